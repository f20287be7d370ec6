package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot-dev/newsbot/adapters/discord"
	"github.com/newsbot-dev/newsbot/adapters/httpapi"
	"github.com/newsbot-dev/newsbot/adapters/openai"
	"github.com/newsbot-dev/newsbot/adapters/slack"
)

// This file declares every setting bot reads, once. Its name is the
// environment variable that sets it and the key of a config file; bot
// config, the commands' --help and the README's settings tables are made
// from the declaration (a test checks the README), and every command
// checks every value at start. Each adapter takes a plain Config: the
// wiring fills it from the values here (modelConfig in bot.go, slackConfig
// and discordConfig in chatops.go, newService in serve.go). Turning text
// into values (units included) is the command's business, so the kinds
// live here (kinds.go); what a value must look like for a platform (a
// Slack token, a Discord id) is the adapter's, so checkedKind calls the
// adapter's exported Check function.
//
// To add a setting:
//
//  1. Add its entry to table(), in its group: name, group, kind (one of
//     kinds.go's, or a new one there), def (or unsetNote, when unset means
//     something other than a value), doc, and secret, flag, older as
//     needed.
//  2. Read it where it is wired, with the getter of its kind, into the
//     adapter's Config: e.set.duration("NEWSBOT_SHUTDOWN_TIMEOUT"),
//     s.perMinute("NEWSBOT_SLACK_RATE")...
//  3. Run "go test ./cmd/bot -run TestREADMESettings -update" to rewrite
//     the README's tables.
//
// For a new group (a new adapter), also add its constant, key and title
// below and to allGroups, pass it to the e.flags of the commands that read
// it, and put "<!-- settings KEY -->" and "<!-- end settings -->" where
// the README should show its table. To rename a setting, give it its new
// name and list the old one in older, with means when the unit changed,
// so that the old name keeps meaning what it meant.

// setting is one thing bot can be configured with.
type setting struct {
	// name is the environment variable, and the key in a config file.
	name string
	// group says which commands read it, and where help and the README
	// list it.
	group group
	// kind turns its text into its value and says what a value must be,
	// units included.
	kind kind
	// def is the default, written as a value would be and parsed like
	// one; "" for none.
	def string
	// defFrom, when set, computes the default from the process's
	// environment (the data directory's, from XDG_DATA_HOME or HOME).
	defFrom func(getenv func(string) string) string
	// unsetNote says what being unset means when there is no default
	// value ("learnt from Discord at start").
	unsetNote string
	// doc says what it is, in one line. A word in backquotes is code in
	// the README; for a setting with a flag, the first such word in
	// capitals names the flag's argument in --help ("the data `DIR`").
	doc string
	// secret values are never shown: "[set, redacted]".
	secret bool
	// flag, when set, is the flag that sets it too (flags win over the
	// environment).
	flag string
	// older are the names it was read under before, still read.
	older []olderName
}

// olderName is a name a setting was read under before. The old name keeps
// meaning what it meant: when its unit differs, means converts its value.
type olderName struct {
	name string
	// means turns the older name's value into the setting's text; nil
	// when it meant the same.
	means func(string) (string, error)
	// meant says, for the docs, what its value meant when that differs.
	meant string
	// synonym marks a name still current (OPENAI_MODEL, which other
	// tools read too): read with no deprecation line.
	synonym bool
}

// group is where a setting belongs.
type group int

const (
	groupCommon  group = iota // every command
	groupAnswers              // how answers are made: the commands that answer
	groupServe                // bot serve's HTTP server and API
	groupSlack                // the Slack adapter: bot serve and bot slack
	groupDiscord              // the Discord adapter: bot serve and bot discord
	groupWeb                  // pages and feeds by URL: ingest, watch, serve
)

// allGroups lists the groups in the order help and bot config show them.
func allGroups() []group {
	return []group{groupCommon, groupAnswers, groupServe, groupSlack, groupDiscord, groupWeb}
}

// key is the group's name in the README's markers.
func (g group) key() string {
	return [...]string{"common", "answers", "serve", "slack", "discord", "web"}[g]
}

// title says which commands read the group's settings.
func (g group) title() string {
	return [...]string{
		"Every command",
		"How answers are made (chat, ask, serve, slack, discord)",
		"bot serve: the HTTP server and API",
		"Slack (bot serve, bot slack)",
		"Discord (bot serve, bot discord)",
		"Pages and feeds (bot ingest URL, bot watch, bot serve)",
	}[g]
}

// table declares every setting. It is a function, not a variable, so that
// nothing can change it.
func table() []setting {
	return []setting{
		// Every command.
		{name: "NEWSBOT_CONFIG", group: groupCommon, kind: textKind("a file name"), flag: "config",
			unsetNote: "none",
			doc:       "read settings from the YAML `FILE` of `SETTING: value` lines; flags and the environment win over it"},
		{name: "NEWSBOT_DATA", group: groupCommon, kind: textKind("a directory"), flag: "data",
			defFrom:   defaultDataDir,
			unsetNote: "$XDG_DATA_HOME/newsbot, else ~/.local/share/newsbot",
			doc:       "the data `DIR`: indexes, conversations, chat history; with it alone, answer from what `bot ingest` added there"},
		{name: "NEWSBOT_CORPUS", group: groupCommon, kind: pathsKind(), flag: "corpus",
			unsetNote: "the built-in coverage",
			doc:       "answer from these files or directories, `PATH`s separated by `:` (the flag is repeatable), indexed into the data directory on first use"},
		{name: "NEWSBOT_LOG_LEVEL", group: groupCommon, kind: enumKind("debug", "info", "warn", "error"), def: "warn",
			doc: "the least level logged to standard error; unset, `info` for serve, slack and discord"},
		{name: "NEWSBOT_LOG_FORMAT", group: groupCommon, kind: enumKind("auto", "text", "json"), def: "auto",
			doc: "the logs' format: `auto` is text on a terminal, JSON otherwise"},

		// How answers are made.
		{name: "NEWSBOT_EXTRACTIVE", group: groupAnswers, kind: boolKind(), def: "false", flag: "extractive",
			doc: "quote the best sentences even when a model is configured"},
		{name: "NEWSBOT_PROMPTS", group: groupAnswers, kind: textKind("a directory"), flag: "prompts",
			unsetNote: "the built-in prompts",
			doc:       "replace the prompt templates (`system.tmpl`, `answer.tmpl`, `rewrite.tmpl`; see `prompts/`) with the files of the same name in `DIR`"},
		{name: "OPENAI_BASE_URL", group: groupAnswers, kind: checkedKind("an http or https URL", openai.CheckBaseURL),
			unsetNote: "OpenAI's, when OPENAI_API_KEY is set; else no model",
			doc:       "the OpenAI-compatible model server, such as `http://127.0.0.1:11434/v1` (Ollama)"},
		{name: "OPENAI_API_KEY", group: groupAnswers, kind: textKind("a key"), secret: true,
			unsetNote: "none",
			doc:       "the model server's key; never logged, never in a prompt"},
		{name: "NEWSBOT_MODEL", group: groupAnswers, kind: textKind("a model name"),
			unsetNote: openai.DefaultOpenAIModel + " on OpenAI's server; required with OPENAI_BASE_URL",
			doc:       "the model",
			older:     []olderName{{name: "OPENAI_MODEL", synonym: true}}},
		{name: "NEWSBOT_MODEL_TIMEOUT", group: groupAnswers, kind: durationKind(), def: showDuration(openai.DefaultTimeout),
			doc: "the deadline of one model call, retries and streaming included"},
		{name: "NEWSBOT_MODEL_FORMAT", group: groupAnswers, kind: enumKind(openai.FormatJSON, openai.FormatText),
			unsetNote: "json on OpenAI's server, text elsewhere",
			doc:       "how answers are asked for: `json` (structured output: the sentences and the evidence each cites come back as data) or `text` (`[n]` markers)"},
		{name: "NEWSBOT_MODEL_TEMPERATURE", group: groupAnswers, kind: temperatureKind(),
			unsetNote: "the model family's",
			doc:       "the model's sampling temperature (see Sampling per model family)"},
		{name: "NEWSBOT_MODEL_MAX_TOKENS", group: groupAnswers, kind: countKind(),
			unsetNote: "the model family's: 800, or 4096 for models that reason first",
			doc:       "the longest model reply, in tokens, reasoning included"},

		// bot serve.
		{name: "NEWSBOT_ADDR", group: groupServe, kind: addrKind(), def: ":8080", flag: "addr",
			doc: "the HTTP server's address `ADDR`: the API, health, metrics, and the Slack and Discord HTTP endpoints"},
		{name: "NEWSBOT_API_TOKEN", group: groupServe, kind: textKind("a token"), secret: true,
			unsetNote: "none: the API is open",
			doc:       "the bearer token the `/v1` endpoints require"},
		{name: "NEWSBOT_HTTP_RATE", group: groupServe, kind: perMinuteKind(), def: strconv.Itoa(int(httpapi.DefaultRate * 60)),
			doc: "questions a minute per API client (its token, else its IP address), or `off`",
			older: []olderName{{name: "NEWSBOT_API_RATE", means: perSecondToPerMinute,
				meant: "questions a second"}}},
		{name: "NEWSBOT_HTTP_BURST", group: groupServe, kind: countKind(), def: strconv.Itoa(httpapi.DefaultBurst),
			doc: "questions an API client may ask at once"},
		{name: "NEWSBOT_SHUTDOWN_TIMEOUT", group: groupServe, kind: durationKind(), def: "30s",
			doc: "how long answers in flight may finish on SIGTERM"},
		{name: "NEWSBOT_MAX_CONNECTIONS", group: groupServe, kind: countKind(),
			unsetNote: "10000, or the open-file limit less 512 when that is lower",
			doc:       "HTTP connections open at once; past it a new one takes the place of the longest idle"},
		{name: "NEWSBOT_MAX_QUESTIONS", group: groupServe, kind: countKind(), def: "32",
			doc: "questions answered at once by the whole process (every adapter); past it a question waits in line"},
		{name: "NEWSBOT_QUEUE_WAIT", group: groupServe, kind: durationKind(), def: "3s",
			doc: "how long a question over `NEWSBOT_MAX_QUESTIONS` waits for a place before a 503 (or the not-ready sentence in a chat)"},
		{name: "NEWSBOT_TRUSTED_PROXIES", group: groupServe, kind: prefixesKind(),
			unsetNote: "none: a client is its TCP peer",
			doc:       "reverse proxies whose `X-Forwarded-For` names the API client (rate limits are per client)"},

		// Slack.
		{name: "SLACK_BOT_TOKEN", group: groupSlack, kind: checkedKind("a bot token", slack.CheckBotToken), secret: true,
			unsetNote: "none: Slack is off",
			doc:       "the Bot User OAuth Token, `xoxb-...`"},
		{name: "SLACK_APP_TOKEN", group: groupSlack, kind: checkedKind("an app-level token", slack.CheckAppToken), secret: true,
			unsetNote: "none",
			doc:       "the app-level token, `xapp-...` with `connections:write`: Socket Mode"},
		{name: "SLACK_SIGNING_SECRET", group: groupSlack, kind: textKind("a signing secret"), secret: true,
			unsetNote: "none",
			doc:       "the signing secret: HTTP mode (used when there is no app token)"},
		{name: "NEWSBOT_SLACK_ADDR", group: groupSlack, kind: addrKind(), def: slack.DefaultAddr,
			doc: "HTTP mode's listen address for `bot slack` (`bot serve` serves `/slack/events` on NEWSBOT_ADDR)"},
		{name: "NEWSBOT_SLACK_THREAD_FOLLOWUPS", group: groupSlack, kind: boolKind(), def: "true",
			doc: "answer follow-ups in its threads without a mention"},
		{name: "NEWSBOT_SLACK_ASK", group: groupSlack, kind: enumKind("private", "channel"), def: "private",
			doc: "`/ask` answers only the asker (`private`) or the channel (`channel`)"},
		{name: "NEWSBOT_SLACK_SHARE_BUTTON", group: groupSlack, kind: boolKind(), def: "true",
			doc: "the \"Share to channel\" button on private `/ask` answers"},
		{name: "NEWSBOT_SLACK_RATE", group: groupSlack, kind: perMinuteKind(), def: strconv.Itoa(slack.DefaultRatePerMinute),
			doc: "questions a minute per person, or `off`; over it, a short notice only they see"},
		{name: "NEWSBOT_SLACK_BURST", group: groupSlack, kind: countKind(), def: strconv.Itoa(slack.DefaultBurst),
			doc: "questions a person may ask at once"},
		{name: "NEWSBOT_SLACK_EDIT_EVERY", group: groupSlack, kind: durationKind(), def: showDuration(slack.DefaultUpdateEvery),
			doc:   "the least time between edits of a reply while its answer streams",
			older: []olderName{{name: "NEWSBOT_SLACK_UPDATE_EVERY"}}},
		{name: "NEWSBOT_SLACK_REACTION", group: groupSlack, kind: reactionKind(), def: slack.DefaultReaction,
			doc: "the \"working\" reaction's emoji name, or `-` for none"},
		{name: "NEWSBOT_SLACK_API_URL", group: groupSlack, kind: checkedKind("an http or https URL ending in /", slack.CheckAPIURL),
			unsetNote: "Slack's",
			doc:       "the Web API base URL, ending in `/` (for a proxy or a test server)"},

		// Discord.
		{name: "DISCORD_TOKEN", group: groupDiscord, kind: checkedKind("a bot token", discord.CheckToken), secret: true,
			unsetNote: "none: Discord is off",
			doc:       "the bot token (Developer Portal, Bot page)"},
		{name: "DISCORD_APP_ID", group: groupDiscord, kind: checkedKind("a Discord id", discord.CheckID),
			unsetNote: "learnt from Discord at start",
			doc:       "the application id"},
		{name: "DISCORD_GUILD_ID", group: groupDiscord, kind: checkedKind("a Discord id", discord.CheckID),
			unsetNote: "none: `/ask` is registered globally",
			doc:       "register `/ask` on this one server only (at once, for trying the bot out)"},
		{name: "DISCORD_PUBLIC_KEY", group: groupDiscord, kind: checkedKind("64 hex digits", discord.CheckPublicKey),
			unsetNote: "none",
			doc:       "the application's public key (hex), for the HTTP interactions endpoint"},
		{name: "NEWSBOT_DISCORD_ADDR", group: groupDiscord, kind: addrKind(),
			unsetNote: "none",
			doc:       "serve the HTTP interactions endpoint here with `bot discord`, e.g. `:8080` (`bot serve` serves `/discord/interactions` on NEWSBOT_ADDR)"},
		{name: "NEWSBOT_DISCORD_ASK", group: groupDiscord, kind: enumKind("private", "channel"), def: "channel",
			doc: "`/ask` answers only the asker (`private`) or the channel (`channel`)",
			older: []olderName{{name: "NEWSBOT_DISCORD_EPHEMERAL", means: ephemeralToAsk,
				meant: "`true` for private, `false` for channel"}}},
		{name: "NEWSBOT_DISCORD_RATE", group: groupDiscord, kind: perMinuteKind(), def: strconv.Itoa(discord.DefaultRatePerMinute),
			doc: "questions a minute per person, or `off`",
			older: []olderName{{name: "NEWSBOT_DISCORD_RATE_EVERY", means: everyToPerMinute,
				meant: "one question per this long, e.g. `10s`, or `off`"}}},
		{name: "NEWSBOT_DISCORD_BURST", group: groupDiscord, kind: countKind(), def: strconv.Itoa(discord.DefaultBurst),
			doc:   "questions a person may ask at once",
			older: []olderName{{name: "NEWSBOT_DISCORD_RATE_BURST"}}},
		{name: "NEWSBOT_DISCORD_EDIT_EVERY", group: groupDiscord, kind: durationKind(), def: showDuration(discord.DefaultEditEvery),
			doc: "the least time between edits of a reply while its answer streams"},
		{name: "NEWSBOT_DISCORD_REQUEST_TIMEOUT", group: groupDiscord, kind: durationKind(), def: showDuration(discord.DefaultRequestTimeout),
			doc: "the deadline of each request to Discord's API"},
		{name: "NEWSBOT_DISCORD_API_URL", group: groupDiscord, kind: checkedKind("an http or https URL", discord.CheckAPIURL),
			unsetNote: "Discord's",
			doc:       "send every request (the API, and the gateway lookup) to this base URL, for a test server"},

		// Pages and feeds.
		{name: "NEWSBOT_FEEDS", group: groupWeb, kind: urlsKind(), flag: "feed",
			unsetNote: "none: nothing is watched",
			doc:       "the RSS or Atom feeds that `bot watch` and `bot serve` poll into the data directory, `URL`s separated by spaces (the flag is repeatable; in a config file, a list)"},
		{name: "NEWSBOT_WATCH_INTERVAL", group: groupWeb, kind: durationKind(), def: "15m",
			doc: "the time between two polls of the feeds; a failing feed waits twice as long after each failure, up to 6h"},
		{name: "NEWSBOT_FETCH_ALLOW_PRIVATE", group: groupWeb, kind: boolKind(), def: "false",
			doc: "fetch from private, loopback and link-local addresses too (a newsroom's own servers); off, such pages, feeds and redirects are refused"},
	}
}

// The conversions of older names whose unit changed.

// perSecondToPerMinute reads NEWSBOT_API_RATE, questions a second.
func perSecondToPerMinute(v string) (string, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		return "", fmt.Errorf("not a positive number of questions a second")
	}
	return strconv.FormatFloat(f*60, 'f', -1, 64), nil
}

// everyToPerMinute reads NEWSBOT_DISCORD_RATE_EVERY: one question per
// this duration, or off.
func everyToPerMinute(v string) (string, error) {
	if strings.EqualFold(v, "off") {
		return "off", nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return "", fmt.Errorf("not a positive duration such as 10s, or off")
	}
	return strconv.FormatFloat(float64(time.Minute)/float64(d), 'f', -1, 64), nil
}

// ephemeralToAsk reads NEWSBOT_DISCORD_EPHEMERAL: true for private.
func ephemeralToAsk(v string) (string, error) {
	b, err := parseBool(v)
	if err != nil {
		return "", err
	}
	if b {
		return "private", nil
	}
	return "channel", nil
}
