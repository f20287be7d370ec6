// Package newsbot is the answering core of a bot that answers questions
// about news coverage: it retrieves the sentences of the articles that bear
// on a question and answers with them, citing each sentence verbatim with
// its outlet, title, date and link.
//
// The core declares the small interfaces it uses and imports none of their
// implementations: a Retriever finds the evidence (corpus/index implements
// it), a Model writes answers from it (adapters/openai), Conversations keep
// the earlier turns (adapters/bolt, or MemoryConversations), and an
// Observer records each question (adapters/prometheus). Adapters (terminal,
// Slack, Discord, HTTP) call an Answerer, usually a *Bot behind Observe and
// a Gate; the core never imports them, nor any chat platform, LLM vendor,
// HTML or YAML library, or net/http (deps_test.go keeps it so).
//
// A question's path: an adapter builds a Request (the question, and the
// conversation's key) and calls Ask; the Bot loads the conversation's turns,
// makes a follow-up stand alone (rewrite.go), reads what kind of question it
// is (kind.go: of fact, about a speaker, about the coverage, naming an
// outlet), retrieves evidence for it (coverage.go: outlet by outlet when
// several outlets answer, with their figures compared, figures.go; by
// speaker, whosaid.go), and answers either by quoting it, outlet and
// speaker named (extractive.go), or by asking the model and checking
// every sentence of its reply against the evidence (grounded.go: the call
// and the stream; reasoning.go: the model's reasoning removed; reply.go: the
// reply read into sentences; support.go: whether a sentence supports a
// claim; check.go: what is kept, cited and shown; structured.go: answers as
// JSON);
// the Answer (text with [n] markers, and the citations) goes back to the
// adapter, which renders it in its platform's format.
package newsbot
