// Package newsbot is the answering core of a bot that answers questions
// about news coverage: it retrieves the sentences of the articles that bear
// on a question and answers with them, citing each sentence verbatim with
// its outlet, title, date and link.
//
// The core imports no chat platform and no LLM vendor. Adapters (terminal,
// Slack, Discord, OpenAI-compatible models) import it, never the reverse.
package newsbot
