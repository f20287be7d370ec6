package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// setting is one configuration setting. Its name is the environment
// variable that sets it; a config file uses the same names.
type setting struct {
	name   string
	secret bool
	help   string
}

// settings lists every setting the bot reads. A config file naming any
// other is refused, so a typo is caught at start instead of ignored.
var settings = []setting{
	{"NEWSBOT_CONFIG", false, "the config file (YAML: SETTING: value)"},
	{"NEWSBOT_DATA", false, "the data directory"},
	{"NEWSBOT_CORPUS", false, "files to answer from, separated by ':'"},
	{"NEWSBOT_PROMPTS", false, "a directory of prompt templates replacing the built-in ones"},
	{"NEWSBOT_EXTRACTIVE", false, "1 to quote even with a model configured"},
	{"NEWSBOT_LOG_LEVEL", false, "debug, info, warn or error"},
	{"NEWSBOT_LOG_FORMAT", false, "text or json (default: text on a terminal, else json)"},
	{"NEWSBOT_ADDR", false, "serve: the HTTP address"},
	{"NEWSBOT_API_TOKEN", true, "serve: the bearer token the HTTP API requires"},
	{"NEWSBOT_API_RATE", false, "serve: questions a second per HTTP client"},
	{"NEWSBOT_SHUTDOWN_TIMEOUT", false, "serve: how long answers in flight may finish on SIGTERM"},
	{"OPENAI_BASE_URL", false, "the model server"},
	{"OPENAI_API_KEY", true, "the model server's key"},
	{"NEWSBOT_MODEL", false, "the model"},
	{"OPENAI_MODEL", false, "the model (if NEWSBOT_MODEL is unset)"},
	{"NEWSBOT_MODEL_TIMEOUT", false, "deadline for one model call"},
	{"NEWSBOT_MODEL_FORMAT", false, "json (structured output) or text (default: json on OpenAI, else text)"},
	{"NEWSBOT_MODEL_TEMPERATURE", false, "the model's sampling temperature (default: its family's)"},
	{"NEWSBOT_MODEL_MAX_TOKENS", false, "the longest model reply, in tokens (default: its family's)"},
	{"SLACK_BOT_TOKEN", true, "Slack: the bot token (xoxb-...)"},
	{"SLACK_APP_TOKEN", true, "Slack: the app token (xapp-...), for Socket Mode"},
	{"SLACK_SIGNING_SECRET", true, "Slack: the signing secret, for HTTP events"},
	{"NEWSBOT_SLACK_ADDR", false, "Slack: the HTTP events address of bot slack (default :3000)"},
	{"NEWSBOT_SLACK_API_URL", false, "Slack: the Web API URL (tests)"},
	{"NEWSBOT_SLACK_ASK", false, "Slack: /ask answers private (default) or channel"},
	{"NEWSBOT_SLACK_BURST", false, "Slack: questions a person may ask at once"},
	{"NEWSBOT_SLACK_RATE", false, "Slack: questions a minute per person, or off"},
	{"NEWSBOT_SLACK_REACTION", false, "Slack: the working reaction, or - for none"},
	{"NEWSBOT_SLACK_SHARE_BUTTON", false, "Slack: offer to share private /ask answers"},
	{"NEWSBOT_SLACK_THREAD_FOLLOWUPS", false, "Slack: answer follow-ups in threads without a mention"},
	{"NEWSBOT_SLACK_UPDATE_EVERY", false, "Slack: the pause between streamed edits"},
	{"DISCORD_TOKEN", true, "Discord: the bot token"},
	{"DISCORD_APP_ID", false, "Discord: the application id (learnt from the gateway if unset)"},
	{"DISCORD_PUBLIC_KEY", false, "Discord: the public key, for the HTTP interactions endpoint"},
	{"DISCORD_GUILD_ID", false, "Discord: register /ask on this server only (instant)"},
	{"NEWSBOT_DISCORD_ADDR", false, "Discord: the HTTP interactions address of bot discord"},
	{"NEWSBOT_DISCORD_EDIT_EVERY", false, "Discord: the pause between streamed edits"},
	{"NEWSBOT_DISCORD_EPHEMERAL", false, "Discord: answer /ask only to the asker"},
	{"NEWSBOT_DISCORD_RATE_BURST", false, "Discord: questions a person may ask at once"},
	{"NEWSBOT_DISCORD_RATE_EVERY", false, "Discord: one more question per person every, or off"},
	{"NEWSBOT_DISCORD_REQUEST_TIMEOUT", false, "Discord: the deadline of each request to Discord"},
}

// lookup finds a setting by name.
func lookup(name string) (setting, bool) {
	for _, s := range settings {
		if s.name == name {
			return s, true
		}
	}
	return setting{}, false
}

// withConfigFile returns a getenv that falls back to the config file named
// by --config (scanned from args) or NEWSBOT_CONFIG: the environment wins
// over the file, and flags, parsed later, win over both.
func withConfigFile(args []string, getenv func(string) string) (func(string) string, string, error) {
	path := getenv("NEWSBOT_CONFIG")
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--config="); ok {
			path = v
		} else if v, ok := strings.CutPrefix(a, "-config="); ok {
			path = v
		} else if (a == "--config" || a == "-config") && i+1 < len(args) {
			path = args[i+1]
		}
	}
	if path == "" {
		return getenv, "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("config: %w", err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, "", fmt.Errorf("config %s: not YAML of SETTING: value lines: %w", path, err)
	}
	file := map[string]string{}
	for k, v := range raw {
		if _, ok := lookup(k); !ok {
			return nil, "", fmt.Errorf("config %s: unknown setting %q (run \"bot config\" for the settings)", path, k)
		}
		switch v := v.(type) {
		case string:
			file[k] = v
		case []any:
			var parts []string
			for _, p := range v {
				parts = append(parts, fmt.Sprint(p))
			}
			file[k] = strings.Join(parts, ":")
		case nil:
		default:
			file[k] = fmt.Sprint(v)
		}
	}
	return func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return file[name]
	}, path, nil
}

// redact shows a secret as set or not, never its value.
func redact(s setting, v string) string {
	if v == "" {
		return ""
	}
	if s.secret {
		return "[set, redacted]"
	}
	return v
}

const configUsage = `Usage: bot [flags] config

Prints every setting the bot reads, with the value in effect (environment,
else the config file given with --config FILE or NEWSBOT_CONFIG). Secrets are
shown as "[set, redacted]", never their value.

A config file is YAML, one SETTING: value per line, with the names below:
  NEWSBOT_DATA: /var/lib/newsbot
  NEWSBOT_MODEL: llama3.1
Flags win over the environment, and the environment over the file.
`

func (e *environ) config(ctx context.Context, args []string) error {
	fs := e.flags("config", configUsage)
	if done, err := parse(fs, args); done {
		return err
	}
	names := make([]string, 0, len(settings))
	for _, s := range settings {
		names = append(names, s.name)
	}
	sort.Strings(names)
	for _, n := range names {
		s, _ := lookup(n)
		fmt.Fprintf(e.stdout, "%-26s %-22s %s\n", n, orDash(redact(s, e.getenv(n))), s.help)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// errConfig names a setting whose value is wrong.
func errConfig(name, value, want string) error {
	s, _ := lookup(name)
	return errors.New(name + ": " + orDash(redact(s, value)) + " is not " + want)
}
