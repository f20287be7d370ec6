package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/newsbot-dev/newsbot"
)

// checkQuestion returns the fixed sentence that refuses q, or "" when q
// can be asked. It runs before any Answerer call, so a pasted document
// costs nothing.
func checkQuestion(q string) string {
	switch {
	case len(q) > newsbot.MaxQuestionBytes:
		return msgTooLong
	case !utf8.ValidString(q):
		return msgUnreadable
	case strings.TrimSpace(q) == "":
		return msgEmpty
	}
	return ""
}

// failureText is what the person sees when the Answerer fails.
func failureText(err error) string {
	if errors.Is(err, newsbot.ErrQuestion) {
		return msgUnreadable
	}
	return msgSorry
}

// detached returns a short context for the last words of an answer (the
// "sorry" message, removing the reaction) that outlives ctx's cancellation.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

// answer answers a question from a message: in its thread, with a
// reaction while it works, streaming the answer, ending with the final
// answer or a short message saying it could not.
func (a *Adapter) answer(ctx context.Context, q question) {
	text := questionText(q.text, a.identity().userID)
	if msg := checkQuestion(text); msg != "" {
		a.notice(ctx, q, msg)
		return
	}
	if ok, notify := a.limiter.allow(q.user); !ok {
		if notify {
			a.ephemeral(ctx, q, msgSlowDown)
		}
		return
	}
	select {
	case a.sem <- struct{}{}:
		defer func() { <-a.sem }()
	case <-ctx.Done():
		a.notice(ctx, q, msgSorry)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.AnswerTimeout)
	defer cancel()

	a.react(ctx, q, true)
	defer func() {
		dctx, cancel := detached(ctx)
		defer cancel()
		a.react(dctx, q, false)
	}()

	history := a.threads.open(q.conversation)
	s := a.newStreamer(ctx, q)
	ans, err := a.bot.Ask(ctx, newsbot.Request{Question: text, History: history}, s.add)
	var m message
	if err != nil {
		a.log.Error("slack: answering failed", "err", err, "channel", q.channel, "ts", q.ts)
		m = renderNotice(failureText(err))
	} else {
		m = renderAnswer(ans, 0)
	}
	if err == nil {
		// Recorded before the reply is posted, so that a follow-up sent
		// as soon as it shows is read against it.
		asked := ans.Question
		if asked == "" {
			asked = text
		}
		a.threads.add(q.conversation, newsbot.Turn{Question: asked, Answer: ans.Text})
	}
	a.finish(ctx, q, s, m)
}

// finish ends a reply with m: it edits the streamed message if there is
// one, else posts m. If that fails, it posts the sorry message instead.
func (a *Adapter) finish(ctx context.Context, q question, s *streamer, m message) {
	ts, last := s.stop()
	dctx, cancel := detached(ctx)
	defer cancel()
	var err error
	if ts != "" {
		// Keep to one edit per UpdateEvery, the final one included.
		if wait := a.cfg.UpdateEvery - time.Since(last); wait > 0 {
			_ = sleepCtx(dctx, wait)
		}
		err = a.update(dctx, q.channel, ts, m)
	} else {
		_, err = a.post(dctx, q.channel, q.replyTS, m)
	}
	if err == nil {
		return
	}
	a.log.Error("slack: posting the answer failed", "err", err, "channel", q.channel, "ts", q.ts)
	if m.text != msgSorry {
		if _, err := a.post(dctx, q.channel, q.replyTS, renderNotice(msgSorry)); err != nil {
			a.log.Error("slack: posting the sorry message failed", "err", err, "channel", q.channel)
		}
	}
}

// notice posts one of the bot's fixed sentences in the question's thread.
func (a *Adapter) notice(ctx context.Context, q question, msg string) {
	dctx, cancel := detached(ctx)
	defer cancel()
	if _, err := a.post(dctx, q.channel, q.replyTS, renderNotice(msg)); err != nil {
		a.log.Error("slack: posting a notice failed", "err", err, "channel", q.channel)
	}
}

// ephemeral shows one of the bot's fixed sentences to the asker only.
func (a *Adapter) ephemeral(ctx context.Context, q question, msg string) {
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(msg, false)}
	if q.replyTS != "" {
		opts = append(opts, slackgo.MsgOptionTS(q.replyTS))
	}
	err := a.call(ctx, "chat.postEphemeral", func(ctx context.Context) error {
		_, err := a.api.PostEphemeralContext(ctx, q.channel, q.user, opts...)
		return err
	})
	if err != nil {
		a.log.Warn("slack: posting an ephemeral notice failed", "err", err, "channel", q.channel)
	}
}

// react adds (or removes) the working reaction on the question.
func (a *Adapter) react(ctx context.Context, q question, add bool) {
	if a.cfg.Reaction == "-" {
		return
	}
	ref := slackgo.NewRefToMessage(q.channel, q.ts)
	var err error
	if add {
		err = a.call(ctx, "reactions.add", func(ctx context.Context) error {
			return a.api.AddReactionContext(ctx, a.cfg.Reaction, ref)
		})
	} else {
		err = a.call(ctx, "reactions.remove", func(ctx context.Context) error {
			return a.api.RemoveReactionContext(ctx, a.cfg.Reaction, ref)
		})
	}
	if err != nil {
		// A missing reaction costs nothing but the indicator.
		a.log.Debug("slack: reaction failed", "err", err, "add", add)
	}
}

// msgOptions are the options of every message the bot posts: its own
// escaping (never Slack's parse=full or link_names), unfurls off.
func msgOptions(m message) []slackgo.MsgOption {
	return []slackgo.MsgOption{
		slackgo.MsgOptionText(m.text, false),
		slackgo.MsgOptionBlocks(m.blocks...),
		slackgo.MsgOptionDisableLinkUnfurl(),
		slackgo.MsgOptionDisableMediaUnfurl(),
	}
}

// post posts m in channel, in the thread threadTS when not "".
func (a *Adapter) post(ctx context.Context, channel, threadTS string, m message) (ts string, err error) {
	opts := msgOptions(m)
	if threadTS != "" {
		opts = append(opts, slackgo.MsgOptionTS(threadTS))
	}
	err = a.call(ctx, "chat.postMessage", func(ctx context.Context) (err error) {
		_, ts, err = a.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	return ts, err
}

// update replaces the message ts in channel with m.
func (a *Adapter) update(ctx context.Context, channel, ts string, m message) error {
	return a.call(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, channel, ts,
			slackgo.MsgOptionText(m.text, false), slackgo.MsgOptionBlocks(m.blocks...))
		return err
	})
}

// streamer shows an answer as it is written: the first checked text is
// posted, later text edits that message at most once per UpdateEvery.
type streamer struct {
	a    *Adapter
	q    question
	wake chan struct{}
	quit chan struct{}
	done chan struct{}

	mu   sync.Mutex
	text strings.Builder

	// Owned by run until done is closed.
	ts   string
	last time.Time
}

func (a *Adapter) newStreamer(ctx context.Context, q question) *streamer {
	s := &streamer{a: a, q: q, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go s.run(ctx)
	return s
}

// add is the Answerer's stream callback. It never blocks on Slack.
func (s *streamer) add(p newsbot.Piece) {
	s.mu.Lock()
	if p.Withdraw {
		// The final answer replaces what was shown; nothing more to edit.
		s.text.Reset()
	}
	s.text.WriteString(p.Text)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *streamer) run(ctx context.Context) {
	defer close(s.done)
	shown := ""
	for {
		select {
		case <-s.quit:
			return
		case <-s.wake:
		}
		s.mu.Lock()
		text := s.text.String()
		s.mu.Unlock()
		if text == shown || strings.TrimSpace(text) == "" {
			continue
		}
		m := renderPartial(text)
		if s.ts == "" {
			ts, err := s.a.post(ctx, s.q.channel, s.q.replyTS, m)
			if err != nil {
				s.a.log.Warn("slack: posting the streamed answer failed", "err", err)
			}
			s.ts = ts
		} else if err := s.a.update(ctx, s.q.channel, s.ts, m); err != nil {
			s.a.log.Warn("slack: updating the streamed answer failed", "err", err)
		}
		shown, s.last = text, time.Now()
		t := time.NewTimer(s.a.cfg.UpdateEvery)
		select {
		case <-s.quit:
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// stop ends streaming and returns the streamed message's ts ("" if none
// was posted) and when it was last changed.
func (s *streamer) stop() (ts string, last time.Time) {
	close(s.quit)
	<-s.done
	return s.ts, s.last
}

// commandAck checks a /ask command as it arrives and returns the
// acknowledgement to send: "Looking that up…" when it will be answered (ok
// is true), else the fixed sentence that says why not. The checks are
// cheap, so a refused question costs no work at all.
func (a *Adapter) commandAck(cmd slackgo.SlashCommand) (ack responseMessage, ok bool) {
	if msg := checkQuestion(questionText(cmd.Text, "")); msg != "" {
		return responseMessage{ResponseType: "ephemeral", Text: msg}, false
	}
	if ok, _ := a.limiter.allow(cmd.UserID); !ok {
		return responseMessage{ResponseType: "ephemeral", Text: msgSlowDown}, false
	}
	return responseMessage{ResponseType: "ephemeral", Text: msgWorking}, true
}

// answerCommand answers /ask: to the asker only with a "Share to channel"
// button, or to the channel (Config.AskInChannel), through the command's
// response URL.
func (a *Adapter) answerCommand(ctx context.Context, cmd slackgo.SlashCommand) {
	visibility := "ephemeral"
	if a.cfg.AskInChannel {
		visibility = "in_channel"
	}
	say := func(msg string) {
		dctx, cancel := detached(ctx)
		defer cancel()
		if err := a.respond(dctx, cmd.ResponseURL, responseMessage{ResponseType: "ephemeral", Text: msg}); err != nil {
			a.log.Error("slack: answering /ask failed", "err", err)
		}
	}
	text := questionText(cmd.Text, "")
	select {
	case a.sem <- struct{}{}:
		defer func() { <-a.sem }()
	case <-ctx.Done():
		say(msgSorry)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.AnswerTimeout)
	defer cancel()
	ans, err := a.bot.Ask(ctx, newsbot.Request{Question: text}, nil)
	if err != nil {
		a.log.Error("slack: answering /ask failed", "err", err, "channel", cmd.ChannelID)
		say(failureText(err))
		return
	}
	m := renderAnswer(ans, 2)
	if visibility == "ephemeral" && !a.cfg.DisableShareButton {
		id := newID()
		shared := m
		shared.blocks = append([]slackgo.Block{contextBlock(fmt.Sprintf("Shared by <@%s>, who asked: “%s”", slackID(cmd.UserID), escape(oneLine(text))))}, m.blocks...)
		a.shares.put(id, share{msg: shared, userID: cmd.UserID, at: a.now()})
		button := slackgo.NewButtonBlockElement(shareActionID, id, plain(msgShareLabel))
		m.blocks = append(m.blocks, slackgo.NewActionBlock("newsbot_share_actions", button))
	}
	if err := a.respond(ctx, cmd.ResponseURL, responseMessage{ResponseType: visibility, Text: m.text, Blocks: m.blocks}); err != nil {
		a.log.Error("slack: posting the /ask answer failed", "err", err, "channel", cmd.ChannelID)
		say(msgSorry)
	}
}

// slackID keeps only the characters of a Slack ID, so that an ID placed in
// markup cannot end it.
func slackID(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, id)
}

// shareAnswer posts a private /ask answer to its channel when its asker
// clicks "Share to channel", then removes the private copy.
func (a *Adapter) shareAnswer(ctx context.Context, id, user, responseURL string) {
	dctx, cancel := detached(ctx)
	defer cancel()
	sh, ok := a.shares.take(id, a.now())
	if !ok || sh.userID != user {
		if err := a.respond(dctx, responseURL, responseMessage{ResponseType: "ephemeral", Text: msgShareGone}); err != nil {
			a.log.Error("slack: answering a share click failed", "err", err)
		}
		return
	}
	err := a.respond(dctx, responseURL, responseMessage{ResponseType: "in_channel", Text: sh.msg.text, Blocks: sh.msg.blocks})
	if err != nil {
		a.log.Error("slack: sharing an answer failed", "err", err)
		_ = a.respond(dctx, responseURL, responseMessage{ResponseType: "ephemeral", Text: msgSorry})
		return
	}
	if err := a.respond(dctx, responseURL, responseMessage{DeleteOriginal: true}); err != nil {
		a.log.Debug("slack: removing the private copy of a shared answer failed", "err", err)
	}
}

// responseMessage is a message sent to a response URL.
type responseMessage struct {
	ResponseType    string          `json:"response_type,omitempty"`
	Text            string          `json:"text,omitempty"`
	Blocks          []slackgo.Block `json:"blocks,omitempty"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original,omitempty"`
	UnfurlLinks     bool            `json:"unfurl_links"`
	UnfurlMedia     bool            `json:"unfurl_media"`
}

// respond posts m to a response URL (of a slash command or a button
// click), which must be Slack's (or Config.APIURL's host).
func (a *Adapter) respond(ctx context.Context, responseURL string, m responseMessage) error {
	if !a.responseURLAllowed(responseURL) {
		return fmt.Errorf("response URL: not a Slack URL")
	}
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("response URL: encode: %w", err)
	}
	return a.call(ctx, "response URL", func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := a.cfg.HTTPClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		if resp.StatusCode == http.StatusTooManyRequests {
			secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			return &slackgo.RateLimitedError{RetryAfter: time.Duration(max(secs, 1)) * time.Second}
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %s", resp.Status)
		}
		return nil
	})
}

// responseURLAllowed reports whether u is a response URL the bot may post
// to: https on slack.com or slack-gov.com (or a subdomain), or on the host
// of Config.APIURL when it is set.
func (a *Adapter) responseURLAllowed(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return false
	}
	if a.cfg.APIURL != "" {
		if api, err := url.Parse(a.cfg.APIURL); err == nil && api.Scheme == p.Scheme && api.Host == p.Host {
			return true
		}
	}
	h := p.Hostname()
	if p.Scheme != "https" {
		return false
	}
	for _, d := range []string{"slack.com", "slack-gov.com"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}
