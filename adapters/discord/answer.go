package discord

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// msgUnknown answers an interaction other than /ask; the other fixed
// sentences are the kit's (chat.Sorry...). Errors never reach Discord in
// any other form.
const msgUnknown = "I only answer the /ask command."

// maxOptionLength is the longest question the /ask option accepts, in
// characters; the core's own limit (newsbot.MaxQuestionBytes) is checked
// too, before any answering.
const maxOptionLength = 1000

// reply is where an answer goes: the interaction's original message and its
// follow-ups, or a reply to a message and the messages after it.
type reply interface {
	// show makes the first message show m, creating it if needed.
	show(ctx context.Context, m message) error
	// add posts m as a further message.
	add(ctx context.Context, m message) error
}

// answer asks the Answerer, in the conversation key, streams the answer
// into r by throttled edits, and ends with the final answer.
func (a *Adapter) answer(ctx context.Context, key, question string, r reply) {
	s := chat.NewStreamer(ctx, a.cfg.EditEvery, a.log, func(ctx context.Context, text string) {
		if err := r.show(ctx, preview(text)); err != nil {
			a.log.Warn("discord: showing the answer so far failed", "err", err)
		}
	})
	defer s.Stop()
	ans, err := a.bot.Ask(ctx, newsbot.Request{Question: question, Conversation: key}, s.Add)
	s.Stop()
	if err != nil {
		a.log.Error("discord: answering failed", "key", key, "request_id", newsbot.RequestID(ctx), "err", err)
		a.tellFailure(ctx, r, chat.Failure(err))
		return
	}
	msgs := render(ans)
	// The final edit keeps to one per EditEvery too.
	err = s.Finish(ctx, func(ctx context.Context) error { return r.show(ctx, msgs[0]) })
	if err != nil {
		a.log.Error("discord: posting the answer failed", "err", err)
		return
	}
	for i, m := range msgs[1:] {
		if err := r.add(ctx, m); err != nil {
			a.log.Error("discord: posting the rest of the answer failed", "part", i+2, "of", len(msgs), "err", err)
			return
		}
	}
}

// tellFailure shows a fixed sentence in place of the answer, also when
// ctx has ended (the answer timed out, or the adapter is stopping).
func (a *Adapter) tellFailure(ctx context.Context, r reply, text string) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.RequestTimeout)
	defer cancel()
	if err := r.show(sctx, plain(text)); err != nil {
		a.log.Error("discord: telling the person the answer failed", "err", err)
	}
}

// plain is a fixed sentence as a message.
func plain(text string) message {
	return message{content: escaper{content: true}.escape(text)}
}

// --- Interactions ---------------------------------------------------------

// onGatewayInteraction handles an interaction that came over the gateway:
// the deferral is a REST call, with its own rate-limit state and a 3 s
// deadline, and without retries (a deferral retried after a sleep is too
// late anyway).
func (a *Adapter) onGatewayInteraction(i *discordgo.Interaction) {
	if i == nil {
		return
	}
	a.interaction(i, nil, func(resp *discordgo.InteractionResponse) error {
		return a.call(a.base, "respond to the interaction", deferTimeout, func(opts ...discordgo.RequestOption) error {
			return a.ixs.InteractionRespond(i, resp, opts...)
		}, discordgo.WithRetryOnRatelimit(false), discordgo.WithRestRetries(0))
	})
}

// interaction answers one interaction: respond sends the first response.
// A second delivery of the same interaction does no work; dup, if not
// nil, is its response.
func (a *Adapter) interaction(i *discordgo.Interaction, dup *discordgo.InteractionResponse, respond func(*discordgo.InteractionResponse) error) {
	var resp *discordgo.InteractionResponse
	defer func() {
		if resp != nil {
			if err := respond(resp); err != nil {
				a.log.Error("discord: responding to an interaction failed", "id", i.ID, "err", err)
			}
		}
	}()
	switch i.Type {
	case discordgo.InteractionPing:
		resp = &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}
		return
	case discordgo.InteractionApplicationCommand:
	case discordgo.InteractionApplicationCommandAutocomplete:
		resp = &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
		return
	default:
		resp = notice(msgUnknown)
		return
	}
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok || data.Name != "ask" {
		resp = notice(msgUnknown)
		return
	}
	if !a.first("discord:interaction:" + i.ID) {
		a.log.Info("discord: the same interaction again; answering it once", "id", i.ID)
		a.event("duplicate")
		resp = dup
		return
	}
	a.event("interaction")
	user := userOf(i)
	q, refusal := chat.Check(questionOf(data))
	if refusal != "" {
		resp = notice(refusal)
		return
	}
	if ok, _ := a.limiter.Allow(user); !ok {
		a.log.Info("discord: question rate exceeded", "user", user)
		a.event("rate_limited")
		resp = notice(chat.SlowDown)
		return
	}
	// The deferral goes out before any search or model call.
	resp = nil
	if err := respond(a.deferral()); err != nil {
		a.log.Error("discord: deferring the interaction failed; not answering", "id", i.ID, "err", err)
		return
	}
	r := &interactionReply{a: a, i: i}
	if a.cfg.Ephemeral {
		r.flags = discordgo.MessageFlagsEphemeral
	}
	a.goWork("answering /ask", func(ctx context.Context) {
		a.answer(ctx, a.interactionConversation(ctx, i, user), q, r)
	}, func(ctx context.Context) { a.tellFailure(ctx, r, chat.Sorry) })
}

// deferral is the first response to /ask: "thinking...", to be edited.
func (a *Adapter) deferral() *discordgo.InteractionResponse {
	d := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{AllowedMentions: noMentions()},
	}
	if a.cfg.Ephemeral {
		d.Data.Flags = discordgo.MessageFlagsEphemeral
	}
	return d
}

// notice is an immediate answer seen only by the asker, without link
// previews.
func notice(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         plain(text).content,
			AllowedMentions: noMentions(),
			Flags:           discordgo.MessageFlagsEphemeral | discordgo.MessageFlagsSuppressEmbeds,
		},
	}
}

func userOf(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return "channel:" + i.ChannelID
}

// questionOf returns the question option's text, or "" (never panicking on
// an option of an unexpected type).
func questionOf(d discordgo.ApplicationCommandInteractionData) string {
	for _, o := range d.Options {
		if o != nil && o.Name == "question" && o.Type == discordgo.ApplicationCommandOptionString {
			s, _ := o.Value.(string)
			return s
		}
	}
	return ""
}

// interactionConversation is the conversation an /ask belongs to: its
// thread, its DM, or else the person's questions in that channel.
func (a *Adapter) interactionConversation(ctx context.Context, i *discordgo.Interaction, user string) string {
	switch {
	case i.GuildID == "":
		return "discord:dm:" + i.ChannelID
	case a.isThread(ctx, i.ChannelID):
		return "discord:thread:" + i.ChannelID
	}
	return "discord:ask:" + i.ChannelID + ":" + user
}

// interactionReply edits the interaction's original message and posts
// follow-ups, with the interaction's token.
type interactionReply struct {
	a     *Adapter
	i     *discordgo.Interaction
	flags discordgo.MessageFlags // ephemeral or not
}

func (r *interactionReply) show(ctx context.Context, m message) error {
	content, embeds := m.content, m.embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	edit := &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, AllowedMentions: noMentions()}
	return r.a.call(ctx, "edit the interaction's message", 0, func(opts ...discordgo.RequestOption) error {
		_, err := r.a.ixs.InteractionResponseEdit(r.i, edit, opts...)
		return err
	})
}

func (r *interactionReply) add(ctx context.Context, m message) error {
	p := &discordgo.WebhookParams{Content: m.content, Embeds: m.embeds, AllowedMentions: noMentions(), Flags: r.flags}
	if len(m.embeds) == 0 {
		p.Flags |= discordgo.MessageFlagsSuppressEmbeds
	}
	return r.a.call(ctx, "post a follow-up message", 0, func(opts ...discordgo.RequestOption) error {
		_, err := r.a.ixs.FollowupMessageCreate(r.i, true, p, opts...)
		return err
	})
}

// --- Messages -------------------------------------------------------------

// onMessage answers a message that mentions the bot in a server, and every
// message in a DM. It ignores bots (itself included), webhooks and system
// messages.
func (a *Adapter) onMessage(m *discordgo.Message) {
	if m == nil || m.Author == nil {
		return
	}
	if a.self() == "" {
		a.learnIdentity()
	}
	self := a.self()
	if m.Author.Bot || m.Author.System || m.Author.ID == self || m.WebhookID != "" {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	if m.GuildID != "" && !mentions(m, self) {
		return
	}
	if !a.first("discord:message:" + m.ID) {
		a.event("duplicate")
		return
	}
	a.event("message")
	r := &messageReply{a: a, m: m}
	q, refusal := chat.Check(stripMention(m.Content, self))
	if refusal != "" {
		a.goWork("refusing", func(ctx context.Context) { a.tell(ctx, r, refusal) }, nil)
		return
	}
	if ok, notify := a.limiter.Allow(m.Author.ID); !ok {
		a.log.Info("discord: question rate exceeded", "user", m.Author.ID)
		a.event("rate_limited")
		if notify {
			a.goWork("slowing down", func(ctx context.Context) { a.tell(ctx, r, chat.SlowDown) }, nil)
		}
		return
	}
	a.goWork("answering a mention", func(ctx context.Context) {
		key := a.messageConversation(ctx, m)
		// "newsbot is typing...", best effort, while it searches.
		if err := a.call(ctx, "show typing", 2*time.Second, func(opts ...discordgo.RequestOption) error {
			return a.rest.ChannelTyping(m.ChannelID, opts...)
		}); err != nil {
			a.log.Debug("discord: typing indicator", "err", err)
		}
		// The question and each message of the answer, as soon as it is
		// posted, belong to the conversation: a reply to any of them
		// continues it.
		r.link = func(id string) { a.link(ctx, id, key) }
		r.link(m.ID)
		a.answer(ctx, key, q, r)
	}, func(ctx context.Context) { a.tellFailure(ctx, r, chat.Sorry) })
}

// link records that the message id belongs to the conversation key.
func (a *Adapter) link(ctx context.Context, id, key string) {
	if err := a.links.Link(context.WithoutCancel(ctx), "discord:"+id, key); err != nil {
		a.log.Warn("discord: linking the message to its conversation failed", "err", err)
	}
}

// first reports whether key is delivered for the first time in the last
// hour. When the store cannot tell, the event is answered.
func (a *Adapter) first(key string) bool {
	ok, err := a.dedupe.First(context.Background(), key, time.Hour)
	if err != nil {
		a.log.Warn("discord: the delivery store failed; answering", "err", err)
		return true
	}
	return ok
}

// tell replies with a fixed sentence.
func (a *Adapter) tell(ctx context.Context, r *messageReply, text string) {
	if err := r.add(ctx, plain(text)); err != nil {
		a.log.Error("discord: replying failed", "err", err)
	}
}

func mentions(m *discordgo.Message, self string) bool {
	if self == "" {
		return false
	}
	for _, u := range m.Mentions {
		if u != nil && u.ID == self {
			return true
		}
	}
	return strings.Contains(m.Content, "<@"+self+">") || strings.Contains(m.Content, "<@!"+self+">")
}

func stripMention(content, self string) string {
	if self == "" {
		return content
	}
	return strings.NewReplacer("<@"+self+">", " ", "<@!"+self+">", " ").Replace(content)
}

// messageConversation is the conversation a message belongs to: that of the
// message it replies to when the bot took part in it, else its thread or
// DM, else a new one starting with it.
func (a *Adapter) messageConversation(ctx context.Context, m *discordgo.Message) string {
	if ref := m.MessageReference; ref != nil && ref.MessageID != "" {
		k, err := a.links.Conversation(ctx, "discord:"+ref.MessageID)
		if err != nil {
			a.log.Warn("discord: looking up the replied-to message failed; starting a new conversation", "err", err)
		}
		if k != "" {
			return k
		}
	}
	switch {
	case m.GuildID == "":
		return "discord:dm:" + m.ChannelID
	case a.isThread(ctx, m.ChannelID):
		return "discord:thread:" + m.ChannelID
	}
	return "discord:msg:" + m.ID
}

// isThread reports whether a channel is a thread, from discordgo's state
// or else by asking Discord (remembered either way).
func (a *Adapter) isThread(ctx context.Context, channelID string) bool {
	if v, ok := a.threads.get(channelID); ok {
		return v
	}
	if st := a.rest.State; st != nil {
		if c, err := st.Channel(channelID); err == nil {
			a.threads.put(channelID, c.IsThread())
			return c.IsThread()
		}
	}
	if a.cfg.Token == "" {
		return false
	}
	var c *discordgo.Channel
	err := a.call(ctx, "look up the channel", time.Second, func(opts ...discordgo.RequestOption) error {
		var err error
		c, err = a.rest.Channel(channelID, opts...)
		return err
	})
	if err != nil || c == nil {
		a.log.Debug("discord: could not tell whether the channel is a thread", "channel", channelID, "err", err)
		return false
	}
	a.threads.put(channelID, c.IsThread())
	return c.IsThread()
}

// messageReply answers a message with a reply, then edits that reply and
// posts further replies.
type messageReply struct {
	a    *Adapter
	m    *discordgo.Message
	link func(id string) // when set, told of every message posted
	mu   sync.Mutex
	id   string // the first reply, once posted
}

func (r *messageReply) show(ctx context.Context, m message) error {
	r.mu.Lock()
	id := r.id
	r.mu.Unlock()
	if id == "" {
		// Never flag 4 here: the message may later get the answer's embeds.
		return r.send(ctx, m, 0, true)
	}
	content, embeds := m.content, m.embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	edit := &discordgo.MessageEdit{ID: id, Channel: r.m.ChannelID, Content: &content, Embeds: &embeds, AllowedMentions: noMentions()}
	return r.a.call(ctx, "edit the reply", 0, func(opts ...discordgo.RequestOption) error {
		_, err := r.a.rest.ChannelMessageEditComplex(edit, opts...)
		return err
	})
}

func (r *messageReply) add(ctx context.Context, m message) error {
	var flags discordgo.MessageFlags
	if len(m.embeds) == 0 {
		flags = discordgo.MessageFlagsSuppressEmbeds
	}
	return r.send(ctx, m, flags, false)
}

func (r *messageReply) send(ctx context.Context, m message, flags discordgo.MessageFlags, first bool) error {
	no := false
	embeds := m.embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	send := &discordgo.MessageSend{
		Content:         m.content,
		Embeds:          embeds,
		AllowedMentions: noMentions(),
		Flags:           flags,
		Reference:       &discordgo.MessageReference{MessageID: r.m.ID, ChannelID: r.m.ChannelID, GuildID: r.m.GuildID, FailIfNotExists: &no},
	}
	var sent *discordgo.Message
	err := r.a.call(ctx, "reply to the message", 0, func(opts ...discordgo.RequestOption) error {
		var err error
		sent, err = r.a.rest.ChannelMessageSendComplex(r.m.ChannelID, send, opts...)
		return err
	})
	if err != nil {
		return err
	}
	if sent != nil && sent.ID != "" {
		r.mu.Lock()
		if first && r.id == "" {
			r.id = sent.ID
		}
		link := r.link
		r.mu.Unlock()
		if link != nil {
			link(sent.ID)
		}
	}
	return nil
}
