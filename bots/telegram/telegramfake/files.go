package telegramfake

import (
	"net/http"
	"strconv"
	"strings"
)

// Files the fake holds for getFile and its download path, and chats that
// blocked the bot.

// filePrefix is the path under which AddFile's files are downloaded:
// /file/bot<token>/photos/<file_id>.
const filePrefix = "photos/"

// AddFile makes data the content of fileID: getFile answers with its
// path and size, and GET /file/bot<token>/<path> serves it, as Telegram
// serves files the bot received.
func (s *Server) AddFile(fileID string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = append([]byte(nil), data...)
}

// fileInfo is getFile's File of id.
func (s *Server) fileInfo(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, ok := s.files[id]
	if !ok {
		return nil, false
	}
	return map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_size": len(data), "file_path": filePrefix + id}, true
}

// serveFile answers a download: rest is "<token>/<path>".
func (s *Server) serveFile(w http.ResponseWriter, rest string) {
	token, path, ok := strings.Cut(rest, "/")
	if !ok || (s.opts.Token != "" && token != s.opts.Token) {
		answerErr(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	id, ok := strings.CutPrefix(path, filePrefix)
	s.mu.Lock()
	data, found := s.files[id]
	s.mu.Unlock()
	if !ok || !found {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// Block makes every send and edit to chatID answer 403 "Forbidden: bot
// was blocked by the user", as Telegram answers for a person who blocked
// the bot, until Unblock. OnCall still sees those calls.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// Unblock undoes Block: the person allowed the bot again.
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, chatID)
}

func (s *Server) isBlocked(chatID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blocked[chatID]
}
