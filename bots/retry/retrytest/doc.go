// Package retrytest holds what the adapters' and cmd's tests of retrying
// share: a back-off that never waits but reports each wait it was asked
// for, and a log sink that can be read while the code under test writes
// to it (the once-a-minute "unreachable" lines are what those tests read).
package retrytest
