package slack

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// question is a message the bot answers.
type question struct {
	channel, user string
	// text is the message's text as Slack sent it (markup and all).
	text string
	// ts is the message's timestamp; replyTS is the thread to answer in
	// ("" for the top level of a DM).
	ts, replyTS string
	// conversation names the conversation the question belongs to.
	conversation string
}

// handleEvents takes one Events API payload (an event_callback), delivered
// for the retry-th time (0 for the first), and answers it in the
// background. The caller has already acknowledged it. Each event_id is
// handled once, marked on receipt: a retry of an event already received
// is dropped, a retry of one never received is answered.
func (a *Adapter) handleEvents(raw json.RawMessage, retry int) {
	ev, err := slackevents.ParseEvent(raw, slackevents.OptionNoVerifyToken())
	if err != nil {
		// Events the bot has no use for (or slack-go does not know)
		// end here; they are acknowledged all the same.
		a.log.Debug("slack: event not parsed", "err", err)
		return
	}
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok {
		return
	}
	if !a.first(context.Background(), "slack:event:"+cb.EventID) {
		a.log.Debug("slack: duplicate event dropped", "event_id", cb.EventID, "retry", retry)
		a.event("duplicate")
		return
	}
	a.event("delivery")
	inner := ev.InnerEvent.Data
	// The question, once known, for the sorry sentence after a panic.
	var asked struct {
		sync.Mutex
		q  *question
		st *replyState
	}
	a.spawn("answering", func(ctx context.Context) {
		ictx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := a.identify(ictx)
		cancel()
		if err != nil {
			a.log.Error("slack: cannot tell the bot's own messages apart; event dropped", "err", err, "event_id", cb.EventID)
			return
		}
		q, ok := a.classify(ctx, inner)
		if !ok {
			return
		}
		// One message can arrive as app_mention and as message: answer
		// it once.
		if !a.first(ctx, "slack:message:"+q.channel+"/"+q.ts) {
			return
		}
		st := &replyState{}
		asked.Lock()
		asked.q, asked.st = &q, st
		asked.Unlock()
		a.answer(ctx, q, st)
	}, func(ctx context.Context) {
		asked.Lock()
		q, st := asked.q, asked.st
		asked.Unlock()
		if q != nil {
			a.sorry(ctx, *q, st)
		}
	})
}

// first reports whether key is delivered for the first time in the last
// hour. When the store cannot tell, the event is answered.
func (a *Adapter) first(ctx context.Context, key string) bool {
	ok, err := a.dedupe.First(ctx, key, time.Hour)
	if err != nil {
		a.log.Warn("slack: the delivery store failed; answering", "err", err)
		return true
	}
	return ok
}

// classify decides whether an inner event is a question for the bot.
func (a *Adapter) classify(ctx context.Context, inner any) (question, bool) {
	self := a.identity()
	switch e := inner.(type) {
	case *slackevents.AppMentionEvent:
		if e.BotID != "" || e.User == "" || e.User == self.userID || e.Edited != nil || e.Channel == "" || e.TimeStamp == "" {
			return question{}, false
		}
		return a.channelQuestion(e.Channel, e.User, e.Text, e.TimeStamp, e.ThreadTimeStamp), true
	case *slackevents.MessageEvent:
		if e.SubType != "" && e.SubType != "thread_broadcast" {
			// Edits, deletions, bot messages, joins...
			return question{}, false
		}
		if e.BotID != "" || e.User == "" || e.User == self.userID || e.Channel == "" || e.TimeStamp == "" {
			return question{}, false
		}
		if e.ChannelType == "im" || strings.HasPrefix(e.Channel, "D") {
			return question{
				channel: e.Channel, user: e.User, text: e.Text, ts: e.TimeStamp,
				replyTS:      e.ThreadTimeStamp,
				conversation: conversationKey(e.Channel, e.ThreadTimeStamp),
			}, true
		}
		if mentions(e.Text, self.userID) {
			return a.channelQuestion(e.Channel, e.User, e.Text, e.TimeStamp, e.ThreadTimeStamp), true
		}
		if a.cfg.DisableThreadFollowUps || e.ThreadTimeStamp == "" || e.ThreadTimeStamp == e.TimeStamp {
			return question{}, false
		}
		q := a.channelQuestion(e.Channel, e.User, e.Text, e.TimeStamp, e.ThreadTimeStamp)
		if mentionsOthers(e.Text, self.userID) || !a.answeredIn(ctx, q.conversation) {
			return question{}, false
		}
		return q, true
	}
	return question{}, false
}

// channelQuestion is a question in a channel, answered in its thread: the
// thread it is in, or the one it starts.
func (a *Adapter) channelQuestion(channel, user, text, ts, threadTS string) question {
	root := threadTS
	if root == "" {
		root = ts
	}
	return question{channel: channel, user: user, text: text, ts: ts, replyTS: root, conversation: conversationKey(channel, root)}
}

// conversationKey names the conversation of a thread (or of a DM's top
// level, with threadTS ""), in a store the Slack adapter may share with
// other adapters.
func conversationKey(channel, threadTS string) string {
	return "slack:" + channel + "/" + threadTS
}

// answeredIn reports whether the bot answered in the conversation key: it
// has turns in Config.Conversations (which outlive a restart when the
// store does), else the adapter's memory says so.
func (a *Adapter) answeredIn(ctx context.Context, key string) bool {
	if a.cfg.Conversations == nil {
		k, _ := a.answered.Conversation(ctx, key)
		return k != ""
	}
	turns, err := a.cfg.Conversations.Turns(ctx, key)
	if err != nil {
		a.log.Warn("slack: reading the conversation failed; leaving the follow-up alone", "err", err)
		return false
	}
	return len(turns) > 0
}

// mentions reports whether Slack text mentions user (<@U123> or
// <@U123|name>).
func mentions(text, user string) bool {
	return user != "" && (strings.Contains(text, "<@"+user+">") || strings.Contains(text, "<@"+user+"|"))
}

// mentionsOthers reports whether Slack text mentions a person other than
// self: such a message in a thread is meant for them.
func mentionsOthers(text, self string) bool {
	for rest := text; ; {
		i := strings.Index(rest, "<@")
		if i < 0 {
			return false
		}
		rest = rest[i+2:]
		id, _, _ := strings.Cut(rest, ">")
		id, _, _ = strings.Cut(id, "|")
		if id != self {
			return true
		}
	}
}

// questionText turns Slack message text into the plain question: the
// bot's own mention is removed, other markup becomes its label (<@U1|ann>
// is "@ann", <https://x|x> is "x", <!here> is "@here"), and the escapes
// &amp; &lt; &gt; are undone.
func questionText(text, self string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '<')
		if i < 0 {
			b.WriteString(text)
			break
		}
		j := strings.IndexByte(text[i:], '>')
		if j < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		b.WriteString(markupLabel(text[i+1:i+j], self))
		text = text[i+j+1:]
	}
	s := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(b.String())
	return strings.TrimSpace(s)
}

func markupLabel(tok, self string) string {
	target, label, hasLabel := strings.Cut(tok, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		if target[1:] == self {
			return ""
		}
		if hasLabel {
			return "@" + label
		}
		return target
	case strings.HasPrefix(target, "#"):
		if hasLabel {
			return "#" + label
		}
		return target
	case strings.HasPrefix(target, "!"):
		name, _, _ := strings.Cut(target[1:], "^")
		if hasLabel {
			return label
		}
		return "@" + name
	}
	if hasLabel {
		return label
	}
	return target
}

// handleCommand answers a /ask slash command in the background; the
// caller has acknowledged it already.
func (a *Adapter) handleCommand(cmd slackgo.SlashCommand) {
	a.spawn("answering /ask", func(ctx context.Context) { a.answerCommand(ctx, cmd) }, func(ctx context.Context) {
		a.respondSorry(ctx, cmd.ResponseURL)
	})
}

// handleInteraction handles a click of the "Share to channel" button in
// the background; the caller has acknowledged it already.
func (a *Adapter) handleInteraction(cb slackgo.InteractionCallback) {
	if cb.Type != slackgo.InteractionTypeBlockActions {
		return
	}
	for _, act := range cb.ActionCallback.BlockActions {
		if act.ActionID == shareActionID {
			id, user, url := act.Value, cb.User.ID, cb.ResponseURL
			a.spawn("sharing an answer", func(ctx context.Context) { a.shareAnswer(ctx, id, user, url) }, func(ctx context.Context) {
				a.respondSorry(ctx, url)
			})
			return
		}
	}
}
