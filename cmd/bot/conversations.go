package main

import (
	"log/slog"
	"path/filepath"

	newsbot "github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/bolt"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// conversationStore keeps the chat adapters' conversations: their turns,
// and which conversation each platform message belongs to.
type conversationStore interface {
	newsbot.Conversations
	chat.Links
}

// memoryStore keeps conversations for the life of the process.
type memoryStore struct {
	*newsbot.MemoryConversations
	*chat.MemoryLinks
}

// conversationsFile is the conversations' file in the data directory.
const conversationsFile = "conversations.db"

// openConversations opens the store of the Slack and Discord
// conversations: adapters/bolt in the data directory, so that a restart
// forgets no thread or reply chain. With no data directory to be had (no
// --data, NEWSBOT_DATA, XDG_DATA_HOME or HOME) they are kept in memory,
// and the log says so. Another process holding the file is an error. The
// returned func closes the store.
func (e *environ) openConversations(log *slog.Logger) (conversationStore, func(), error) {
	dir, err := e.dataDir()
	if err != nil {
		log.Warn("conversations are kept in memory only: a restart forgets them", "why", err.Error())
		return memoryStore{&newsbot.MemoryConversations{}, &chat.MemoryLinks{}}, func() {}, nil
	}
	s, err := bolt.Open(filepath.Join(dir, conversationsFile), bolt.Options{})
	if err != nil {
		return nil, nil, err
	}
	return s, func() {
		if err := s.Close(); err != nil {
			log.Error("closing the conversations", "err", err)
		}
	}, nil
}
