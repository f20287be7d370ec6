package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// replyState is what a question's reply has shown so far: the streamed
// message, once posted. It lets a sorry sentence after a panic replace the
// half-streamed answer instead of leaving it.
type replyState struct {
	mu sync.Mutex
	ts string // the streamed message, "" until posted
}

func (st *replyState) get() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.ts
}

func (st *replyState) set(ts string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.ts = ts
}

// answer answers a question from a message: in its thread, with a
// reaction while it works, streaming the answer, ending with the final
// answer or a short message saying it could not.
func (a *Adapter) answer(ctx context.Context, q question, st *replyState) {
	text, refusal := chat.Check(questionText(q.text, a.identity().userID))
	if refusal != "" {
		a.notice(ctx, q, refusal)
		return
	}
	if ok, notify := a.limiter.Allow(q.user); !ok {
		if notify {
			a.ephemeral(ctx, q, chat.SlowDown)
		}
		return
	}
	select {
	case a.sem <- struct{}{}:
		defer func() { <-a.sem }()
	case <-ctx.Done():
		a.notice(ctx, q, chat.Sorry)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.AnswerTimeout)
	defer cancel()

	a.react(ctx, q, true)
	defer func() {
		dctx, cancel := chat.Detached(ctx)
		defer cancel()
		a.react(dctx, q, false)
	}()

	s := chat.NewStreamer(ctx, a.cfg.UpdateEvery, a.log, func(ctx context.Context, text string) {
		a.showPartial(ctx, q, st, text)
	})
	defer s.Stop()
	ans, err := a.bot.Ask(ctx, newsbot.Request{Question: text, Conversation: q.conversation}, s.Add)
	var m message
	if err != nil {
		a.log.Error("slack: answering failed", "err", err, "request_id", newsbot.RequestID(ctx), "channel", q.channel, "ts", q.ts)
		m = renderNotice(chat.Failure(err))
	} else {
		m = renderAnswer(ans, 0)
		if a.cfg.Conversations == nil {
			// The Answerer recorded the turn (when it keeps
			// conversations) before returning, so that a follow-up sent
			// as soon as the reply shows is read against it.
			_ = a.answered.Link(ctx, q.conversation, q.conversation)
		}
	}
	dctx, dcancel := chat.Detached(ctx)
	defer dcancel()
	// Finish keeps the final edit to one per UpdateEvery too.
	_ = s.Finish(dctx, func(ctx context.Context) error {
		a.finish(ctx, q, st, m)
		return nil
	})
}

// showPartial posts the answer streamed so far, or edits it into the
// message already posted.
func (a *Adapter) showPartial(ctx context.Context, q question, st *replyState, text string) {
	m := renderPartial(text)
	if ts := st.get(); ts != "" {
		if err := a.update(ctx, q.channel, ts, m); err != nil {
			a.log.Warn("slack: updating the streamed answer failed", "err", err)
		}
		return
	}
	ts, err := a.post(ctx, q.channel, q.replyTS, m)
	if err != nil {
		a.log.Warn("slack: posting the streamed answer failed", "err", err)
	}
	st.set(ts)
}

// finish ends a reply with m: it edits the streamed message if there is
// one, else posts m. If that fails, it posts the sorry message instead.
func (a *Adapter) finish(ctx context.Context, q question, st *replyState, m message) {
	ts := st.get()
	var err error
	if ts != "" {
		err = a.update(ctx, q.channel, ts, m)
	} else {
		_, err = a.post(ctx, q.channel, q.replyTS, m)
	}
	if err == nil {
		return
	}
	a.log.Error("slack: posting the answer failed", "err", err, "channel", q.channel, "ts", q.ts)
	if m.text != chat.Sorry {
		if _, err := a.post(ctx, q.channel, q.replyTS, renderNotice(chat.Sorry)); err != nil {
			a.log.Error("slack: posting the sorry message failed", "err", err, "channel", q.channel)
		}
	}
}

// sorry tells the person answering failed (after a panic): in place of
// the streamed answer if one was shown, else in the thread.
func (a *Adapter) sorry(ctx context.Context, q question, st *replyState) {
	if st == nil {
		st = &replyState{}
	}
	a.finish(ctx, q, st, renderNotice(chat.Sorry))
}

// notice posts one of the bot's fixed sentences in the question's thread.
func (a *Adapter) notice(ctx context.Context, q question, msg string) {
	dctx, cancel := chat.Detached(ctx)
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

// commandAck checks a /ask command as it arrives and returns the
// acknowledgement to send: "Looking that up…" when it will be answered (ok
// is true), else the fixed sentence that says why not. The checks are
// cheap, so a refused question costs no work at all.
func (a *Adapter) commandAck(cmd slackgo.SlashCommand) (ack responseMessage, ok bool) {
	if _, refusal := chat.Check(questionText(cmd.Text, "")); refusal != "" {
		return responseMessage{ResponseType: "ephemeral", Text: refusal}, false
	}
	if ok, _ := a.limiter.Allow(cmd.UserID); !ok {
		return responseMessage{ResponseType: "ephemeral", Text: chat.SlowDown}, false
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
		dctx, cancel := chat.Detached(ctx)
		defer cancel()
		if err := a.respond(dctx, cmd.ResponseURL, responseMessage{ResponseType: "ephemeral", Text: msg}); err != nil {
			a.log.Error("slack: answering /ask failed", "err", err)
		}
	}
	text, _ := chat.Check(questionText(cmd.Text, ""))
	select {
	case a.sem <- struct{}{}:
		defer func() { <-a.sem }()
	case <-ctx.Done():
		say(chat.Sorry)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.AnswerTimeout)
	defer cancel()
	ans, err := a.bot.Ask(ctx, newsbot.Request{Question: text}, nil)
	if err != nil {
		a.log.Error("slack: answering /ask failed", "err", err, "request_id", newsbot.RequestID(ctx), "channel", cmd.ChannelID)
		say(chat.Failure(err))
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
		say(chat.Sorry)
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
	dctx, cancel := chat.Detached(ctx)
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
		_ = a.respond(dctx, responseURL, responseMessage{ResponseType: "ephemeral", Text: chat.Sorry})
		return
	}
	if err := a.respond(dctx, responseURL, responseMessage{DeleteOriginal: true}); err != nil {
		a.log.Debug("slack: removing the private copy of a shared answer failed", "err", err)
	}
}

// respondSorry tells the person at a response URL that answering failed.
func (a *Adapter) respondSorry(ctx context.Context, responseURL string) {
	if err := a.respond(ctx, responseURL, responseMessage{ResponseType: "ephemeral", Text: chat.Sorry}); err != nil {
		a.log.Error("slack: posting the sorry message failed", "err", err)
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
