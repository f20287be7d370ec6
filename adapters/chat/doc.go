// Package chat is the kit the chat adapters (Slack, Discord, the terminal)
// share, so that a new platform needs only its events in and its rendering
// out: the fixed sentences people see instead of an error (Sorry,
// NotReady...) and the question check that picks them (Check, Failure);
// per-person rate limits (Limiter); deduplication of deliveries (Dedupe,
// with MemoryDedupe as the default); the links from a platform's messages
// to the conversations they belong to (Links, with MemoryLinks); streaming
// an answer by throttled edits (Streamer); tracked background work
// that shuts down within a grace and survives a panic (Work); cutting text
// between grapheme clusters (Boundaries, Prefix); and the timeouts and
// connection cap of every HTTP server of the bot (LimitServer).
//
// The package imports the answering core and no platform library.
package chat
