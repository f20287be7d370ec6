package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	newsbot "github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/discord"
	"github.com/newsbot-dev/newsbot/adapters/prometheus"
	"github.com/newsbot-dev/newsbot/adapters/slack"
)

const slackUsage = `Usage: bot [flags] slack

Answers in Slack: @mentions in channels (in their thread), DMs, follow-ups in
threads the bot answered in, and /ask. Socket Mode when SLACK_APP_TOKEN is set
(no public URL needed), else HTTP events on NEWSBOT_SLACK_ADDR (default :3000).
SLACK_BOT_TOKEN is required, and SLACK_APP_TOKEN or SLACK_SIGNING_SECRET. It
stops with a clear message when Slack refuses a token.
`

// slack runs the Slack adapter alone.
func (e *environ) slack(ctx context.Context, args []string) error {
	fs := e.flags("slack", slackUsage, groupCommon, groupAnswers, groupSlack)
	if done, err := e.parse(fs, args); done {
		return err
	}
	cfg, ok, err := slackConfig(e.set)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("slack: set SLACK_BOT_TOKEN (and SLACK_APP_TOKEN for Socket Mode); see the README")
	}
	log := e.log
	store, closeStore, err := e.openConversations(log)
	if err != nil {
		return err
	}
	defer closeStore()
	e.conversations = store
	bot, from, mode, err := e.openBot(io.Discard)
	if err != nil {
		return err
	}
	cfg.Log = log
	cfg.Conversations = store
	// No metrics alone: nothing would serve them (bot serve does).
	a, err := slack.New(cfg, newsbot.Observe(bot, "slack", nil, log))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "answering in Slack from %s. %s\n", from, mode)
	return a.Run(ctx)
}

const discordUsage = `Usage: bot [flags] discord

Answers in Discord: the /ask slash command (registered at start, on
DISCORD_GUILD_ID's server at once, or globally) and messages that mention the
bot or are sent to it directly. Over the gateway; with DISCORD_PUBLIC_KEY and
NEWSBOT_DISCORD_ADDR it also serves the HTTP interactions endpoint there.
DISCORD_TOKEN is required. It stops with a clear message when Discord refuses
the token or the intents.
`

// discord runs the Discord adapter alone.
func (e *environ) discord(ctx context.Context, args []string) error {
	fs := e.flags("discord", discordUsage, groupCommon, groupAnswers, groupDiscord)
	if done, err := e.parse(fs, args); done {
		return err
	}
	cfg, ok, err := discordConfig(e.set)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("discord: set DISCORD_TOKEN; see the README")
	}
	log := e.log
	store, closeStore, err := e.openConversations(log)
	if err != nil {
		return err
	}
	defer closeStore()
	e.conversations = store
	bot, from, mode, err := e.openBot(io.Discard)
	if err != nil {
		return err
	}
	cfg.Log = log
	cfg.Links = store
	// No metrics alone: nothing would serve them (bot serve does).
	a, err := discord.New(cfg, newsbot.Observe(bot, "discord", nil, log))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "answering in Discord from %s. %s\n", from, mode)
	return a.Run(ctx)
}

// chatAdapter is a chat adapter that serve runs beside the HTTP API.
type chatAdapter struct {
	name string
	run  func(ctx context.Context) error
	// mount, when set, adds the adapter's HTTP endpoint to serve's server.
	path    string
	handler http.Handler
}

// chatAdapters builds the chat adapters whose credentials are configured,
// over bot, reporting to metrics, with their conversations in store.
func (e *environ) chatAdapters(bot newsbot.Answerer, m *prometheus.Metrics, store conversationStore) ([]chatAdapter, error) {
	var out []chatAdapter
	log := e.log
	cfg, ok, err := slackConfig(e.set)
	if err != nil {
		return nil, err
	}
	if ok {
		cfg.Log = log
		cfg.Conversations = store
		cfg.OnEvent = func(ev string) { m.Event("slack", ev) }
		// Without an app token Slack posts events over HTTP: to serve's
		// server, not a listener of the adapter's own.
		cfg.ExternalHTTP = cfg.AppToken == ""
		m.Adapter("slack")
		a, err := slack.New(cfg, newsbot.Observe(bot, "slack", m, log))
		if err != nil {
			return nil, err
		}
		ca := chatAdapter{name: "slack", run: a.Run}
		if cfg.ExternalHTTP {
			ca.path, ca.handler = "/slack/events", a.Handler()
		}
		out = append(out, ca)
	}
	dcfg, ok, err := discordConfig(e.set)
	if err != nil {
		return nil, err
	}
	if ok {
		dcfg.Log = log
		dcfg.Links = store
		dcfg.OnEvent = func(ev string) { m.Event("discord", ev) }
		// The HTTP interactions endpoint, when a public key is set, is on
		// serve's server rather than a listener of the adapter's own.
		dcfg.Addr = ""
		m.Adapter("discord")
		a, err := discord.New(dcfg, newsbot.Observe(bot, "discord", m, log))
		if err != nil {
			return nil, err
		}
		ca := chatAdapter{name: "discord", run: a.Run}
		if dcfg.PublicKey != "" {
			ca.path, ca.handler = "/discord/interactions", a.Handler()
		}
		out = append(out, ca)
	}
	return out, nil
}

// chatConfigured reports whether a chat adapter's credentials are set,
// without checking how the rest of its settings fit (chatAdapters does).
func (e *environ) chatConfigured() bool {
	return e.set.str("SLACK_BOT_TOKEN") != "" || e.set.str("DISCORD_TOKEN") != ""
}

// slackConfig fills the Slack adapter's Config from the settings. ok is
// false, with no error, when SLACK_BOT_TOKEN is unset: Slack is off.
func slackConfig(s *settings) (cfg slack.Config, ok bool, err error) {
	cfg = slack.Config{
		BotToken:               s.str("SLACK_BOT_TOKEN"),
		AppToken:               s.str("SLACK_APP_TOKEN"),
		SigningSecret:          s.str("SLACK_SIGNING_SECRET"),
		Addr:                   s.str("NEWSBOT_SLACK_ADDR"),
		APIURL:                 s.str("NEWSBOT_SLACK_API_URL"),
		DisableThreadFollowUps: !s.on("NEWSBOT_SLACK_THREAD_FOLLOWUPS"),
		AskInChannel:           s.str("NEWSBOT_SLACK_ASK") == "channel",
		DisableShareButton:     !s.on("NEWSBOT_SLACK_SHARE_BUTTON"),
		RatePerMinute:          s.perMinute("NEWSBOT_SLACK_RATE"),
		Burst:                  s.count("NEWSBOT_SLACK_BURST"),
		UpdateEvery:            s.duration("NEWSBOT_SLACK_EDIT_EVERY"),
		Reaction:               s.str("NEWSBOT_SLACK_REACTION"),
	}
	if cfg.BotToken == "" {
		return slack.Config{}, false, nil
	}
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return slack.Config{}, false, errors.New("slack: SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is")
	}
	return cfg, true, nil
}

// discordConfig fills the Discord adapter's Config from the settings. ok
// is false, with no error, when DISCORD_TOKEN is unset: Discord is off.
func discordConfig(s *settings) (cfg discord.Config, ok bool, err error) {
	cfg = discord.Config{
		Token:          s.str("DISCORD_TOKEN"),
		AppID:          s.str("DISCORD_APP_ID"),
		GuildID:        s.str("DISCORD_GUILD_ID"),
		PublicKey:      s.str("DISCORD_PUBLIC_KEY"),
		Addr:           s.str("NEWSBOT_DISCORD_ADDR"),
		APIURL:         s.str("NEWSBOT_DISCORD_API_URL"),
		Ephemeral:      s.str("NEWSBOT_DISCORD_ASK") == "private",
		RatePerMinute:  s.perMinute("NEWSBOT_DISCORD_RATE"),
		Burst:          s.count("NEWSBOT_DISCORD_BURST"),
		EditEvery:      s.duration("NEWSBOT_DISCORD_EDIT_EVERY"),
		RequestTimeout: s.duration("NEWSBOT_DISCORD_REQUEST_TIMEOUT"),
	}
	if cfg.Token == "" {
		return discord.Config{}, false, nil
	}
	if cfg.Addr != "" && cfg.PublicKey == "" {
		return discord.Config{}, false, errors.New("discord: NEWSBOT_DISCORD_ADDR is set but DISCORD_PUBLIC_KEY is not: the HTTP endpoint needs the public key")
	}
	return cfg, true, nil
}
