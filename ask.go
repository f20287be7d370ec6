package newsbot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/newsbot-dev/newsbot/prompts"
)

// Answerer answers a question in the context of a conversation. *Bot
// implements it, and so do the middlewares around it (Observe, Gate); every
// adapter asks one.
type Answerer interface {
	// Ask answers req. When stream is not nil it receives the answer while
	// it is made (see Stream); the returned Answer is the final one.
	Ask(ctx context.Context, req Request, stream Stream) (Answer, error)
}

// Stream receives an answer while it is made. Its pieces' Text, joined,
// is a prefix of the final Answer's Text, unless a piece Withdraws what
// came before it.
type Stream func(Piece)

// Piece is one event of a streamed answer.
type Piece struct {
	// Text continues the answer: checked, whole sentences.
	Text string
	// Withdraw, when true, takes back all the text streamed so far: the
	// final Answer does not continue it (a fallback replaced the model's
	// answer, and Answer.Fallback says why; or the reply turned out to be
	// reasoning, or a no-answer), so show the final Answer in its place.
	// Text is then "", and no more pieces follow.
	Withdraw bool
}

// Request is a question in a conversation.
type Request struct {
	// Question is the person's latest question, as typed.
	Question string
	// Conversation is the key of the conversation the question belongs to
	// (a Slack thread, a Discord reply chain, a DM, a terminal session),
	// "" for none. With Bot.Conversations set, the bot reads the earlier
	// turns from there and records this one.
	Conversation string
	// History holds earlier turns given by the caller (the HTTP API's
	// clients send theirs), oldest first; when set it is used instead of
	// the stored conversation. A question is read with at most the last
	// two (see followup.go).
	History []Turn
}

// Turn is one earlier exchange of a conversation.
type Turn struct {
	// Question is the question as it was asked. (Answer.Question says how
	// it was read.)
	Question string
	// Answer is the answer's text.
	Answer string
}

// MaxTurns is the one bound on a conversation's memory: stores keep at
// most the last MaxTurns turns of each conversation. A follow-up is read
// with the last one or two of them (see followup.go); the rest are kept
// for the adapters that show or relay a conversation.
const MaxTurns = 4

// Bot answers questions from news coverage. Set Retriever before use;
// every other field's zero value works. A Bot is safe for concurrent use.
type Bot struct {
	// Retriever finds the evidence. Required.
	Retriever Retriever
	// Model, when set, writes the answers from the retrieved evidence; the
	// bot checks every citation. Nil means extractive answers: the best
	// sentences, quoted.
	Model Model
	// Prompts are the templates sent to the model; nil means the built-in
	// ones.
	Prompts *prompts.Set
	// Conversations keep the turns of the conversations named by
	// Request.Conversation; nil means only Request.History is read.
	Conversations Conversations
	// Log receives what went wrong with a model or a store (error texts are
	// never shown to a person); nil discards it.
	Log *slog.Logger
	// MaxEvidence bounds the sentences given to the model; 0 means 8.
	MaxEvidence int
	// MaxSentences bounds the sentences quoted in an answer; 0 means 2:
	// the sentence that answers, and a second only when it bears on the
	// question too.
	MaxSentences int
	// MinAnswers is the retriever's estimate that the best sentence
	// answers (Relevance.Answers) below which the bot says the coverage
	// does not answer; 0 means DefaultMinAnswers. Raising it declines more
	// questions the coverage does answer and fewer it does not (the README
	// shows the trade-off).
	MinAnswers float64
	// MinSupport is the share of a claim's content words that the evidence
	// sentence supporting it must hold (see the README's "What the checker
	// guarantees"); 0 means DefaultMinSupport.
	MinSupport float64
	// RewriteTimeout bounds the model's rewrite of a follow-up question;
	// past it the bot rewrites with its heuristic. 0 means
	// DefaultRewriteTimeout.
	RewriteTimeout time.Duration
	// MinCoverage is the share of the question's weight (the IDF of its
	// terms) that the best sentence must match for the coverage to count
	// as answering, for a retriever that gives no Relevance.Answers, and the
	// half of which a sentence must match to be shown to a model. 0 means
	// DefaultMinCoverage.
	MinCoverage float64
}

// DefaultMinAnswers is Bot.MinAnswers's default: the retriever's own
// operating point.
const DefaultMinAnswers = 0.5

// DefaultMinCoverage is Bot.MinCoverage's default. At 0.4, a question
// whose distinctive words the coverage mostly lacks ("Who won the 2018
// World Cup?" against articles that mention only "the world") gets no
// answer, while a question phrased in other words than the article ("miss"
// for "did not attend") still finds it.
const DefaultMinCoverage = 0.4

// retrieveK is how many sentences an answer is chosen from.
const retrieveK = 10

// NoAnswerText is what the bot says when the coverage does not answer.
const NoAnswerText = "The coverage I have does not answer that question."

// noAnswerToken is the reply the rules ask of the model when the evidence
// does not answer.
const noAnswerToken = "NO_ANSWER"

// Answer answers a question on its own, outside any conversation, without
// streaming. See Ask.
func (b *Bot) Answer(ctx context.Context, question string) (Answer, error) {
	return b.Ask(ctx, Request{Question: question}, nil)
}

// Ask answers a question in the context of a conversation. With a Model,
// the model writes the answer from numbered evidence and the core checks
// every sentence; stream, when not nil, receives the checked answer's text
// as it is produced, sentence by sentence. The returned Answer is the
// final, checked answer. When the model fails or nothing of its reply
// survives checking, the answer is the extractive one with Fallback and a
// Note saying so (and stream is told to withdraw what it was given).
func (b *Bot) Ask(ctx context.Context, req Request, stream Stream) (Answer, error) {
	q, err := CleanQuestion(req.Question)
	if err != nil {
		return Answer{}, err
	}
	if err := ctx.Err(); err != nil {
		return Answer{}, err
	}
	if b.Retriever == nil {
		return Answer{}, errors.New("answer: no retriever")
	}
	history := b.history(ctx, req)
	a, err := b.answer(ctx, q, history, stream)
	if err != nil {
		return Answer{}, err
	}
	b.record(ctx, req, q, a)
	return a, nil
}

// history returns the turns q is read against: the request's own, else
// the stored conversation's, at most the last MaxTurns.
func (b *Bot) history(ctx context.Context, req Request) []Turn {
	h := req.History
	if h == nil && req.Conversation != "" && b.Conversations != nil {
		var err error
		if h, err = b.Conversations.Turns(ctx, req.Conversation); err != nil {
			// Answering without the earlier turns beats not answering.
			b.log().Warn("reading the conversation failed; answering without it", "err", err)
			h = nil
		}
	}
	if len(h) > MaxTurns {
		h = h[len(h)-MaxTurns:]
	}
	return h
}

// record adds the answered turn to the request's conversation: q as
// asked, and the answer.
func (b *Bot) record(ctx context.Context, req Request, q string, a Answer) {
	if req.Conversation == "" || b.Conversations == nil {
		return
	}
	// The question as asked: how it was read depends on the turns before
	// it, which the next question is read with anyway.
	t := Turn{Question: q, Answer: a.Text}
	if err := b.Conversations.Append(context.WithoutCancel(ctx), req.Conversation, t); err != nil {
		b.log().Warn("recording the conversation failed", "err", err)
	}
}

// answer makes the answer to q: retrieve, then quote or ask the model.
func (b *Bot) answer(ctx context.Context, q string, history []Turn, stream Stream) (Answer, error) {
	var tm Timing
	t0 := time.Now()
	standalone := b.standalone(ctx, history, q)
	t1 := time.Now()
	tm.Rewrite = t1.Sub(t0)
	// The evidence, and the quoted answer, by the kind of question
	// (coverage.go): of fact, about a speaker, about the coverage.
	ev, ext, err := b.respond(ctx, standalone)
	if err != nil {
		if ctx.Err() != nil {
			return Answer{}, ctx.Err()
		}
		return Answer{}, err
	}
	tm.Retrieve = time.Since(t1)
	ext.Timing = tm
	if ext.NoAnswer || b.Model == nil {
		// Nothing relevant: no model call.
		return ext, nil
	}
	ts := &trackedStream{next: stream}
	a, err := b.grounded(ctx, standalone, ev, ts, &tm)
	fallback := func(reason FallbackReason) Answer {
		ts.withdraw()
		ext.Fallback, ext.Note, ext.Timing = reason, reason.note(), tm
		return ext
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return Answer{}, ctx.Err()
	case err != nil:
		b.log().Warn("model answer failed; answering extractively", "err", err)
		return fallback(FallbackModelFailed), nil
	case a.NoAnswer:
		ts.withdraw()
		a.Timing = tm
		return a, nil
	case len(a.Citations) == 0:
		b.log().Info("nothing of the model's answer survived checking; answering extractively", "removed", a.Removed)
		ext = fallback(FallbackUnchecked)
		ext.Removed = a.Removed
		return ext, nil
	}
	if !strings.HasPrefix(a.Text, ts.sent.String()) {
		ts.withdraw()
	}
	a.Timing = tm
	return a, nil
}

// trackedStream passes text on to a Stream and remembers what went, so
// that the final answer can continue it or withdraw it.
type trackedStream struct {
	next Stream
	sent strings.Builder
	// stopped is true once the stream was withdrawn in the middle of the
	// reply: the final answer replaces it, nothing more is streamed.
	stopped bool
}

// continueWith streams what text adds to what was streamed, when text
// continues it.
func (t *trackedStream) continueWith(text string) {
	if t == nil || t.next == nil || t.stopped {
		return
	}
	s := t.sent.String()
	if len(text) > len(s) && strings.HasPrefix(text, s) {
		t.sent.WriteString(text[len(s):])
		t.next(Piece{Text: text[len(s):]})
	}
}

// withdraw tells the Stream that what it was given is not the answer.
func (t *trackedStream) withdraw() {
	if t != nil && t.next != nil && t.sent.Len() > 0 {
		t.next(Piece{Withdraw: true})
		t.sent.Reset()
	}
}

func (b *Bot) log() *slog.Logger {
	if b.Log != nil {
		return b.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (b *Bot) minAnswers() float64 {
	if b.MinAnswers == 0 {
		return DefaultMinAnswers
	}
	return b.MinAnswers
}

func (b *Bot) minCoverage() float64 {
	if b.MinCoverage == 0 {
		return DefaultMinCoverage
	}
	return b.MinCoverage
}
