package slack

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ConfigFromEnv reads a Config through getenv:
//
//   - SLACK_BOT_TOKEN: the bot token, "xoxb-..." (required);
//   - SLACK_APP_TOKEN: the app-level token, "xapp-...", for Socket Mode;
//   - SLACK_SIGNING_SECRET: the signing secret, for HTTP mode (one of
//     these two is required; with both, Run uses Socket Mode);
//   - NEWSBOT_SLACK_ADDR: HTTP mode's listen address (default ":3000");
//   - NEWSBOT_SLACK_THREAD_FOLLOWUPS: "false" stops answering follow-ups in
//     threads without a new mention (default "true");
//   - NEWSBOT_SLACK_ASK: "private" (default: /ask answers only the asker,
//     with a share button) or "channel" (visible to the channel);
//   - NEWSBOT_SLACK_SHARE_BUTTON: "false" leaves the share button off
//     (default "true");
//   - NEWSBOT_SLACK_RATE: questions per person per minute (default 6;
//     "0" or "off" for no limit);
//   - NEWSBOT_SLACK_BURST: questions a person may ask at once (default 3);
//   - NEWSBOT_SLACK_UPDATE_EVERY: least time between edits of a streaming
//     answer, a Go duration (default "1s");
//   - NEWSBOT_SLACK_REACTION: the working reaction's emoji name (default
//     "hourglass_flowing_sand"; "-" for none);
//   - NEWSBOT_SLACK_API_URL: Slack's Web API base URL, ending in "/"
//     (default Slack's own).
//
// ok is false, with no error, when SLACK_BOT_TOKEN is unset: Slack is not
// configured. Errors name the variable and never repeat a token.
func ConfigFromEnv(getenv func(string) string) (cfg Config, ok bool, err error) {
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	cfg.BotToken = env("SLACK_BOT_TOKEN")
	if cfg.BotToken == "" {
		return Config{}, false, nil
	}
	fail := func(format string, args ...any) (Config, bool, error) {
		return Config{}, false, fmt.Errorf("slack: "+format, args...)
	}
	if !strings.HasPrefix(cfg.BotToken, "xoxb-") {
		return fail("SLACK_BOT_TOKEN is not a bot token: it should start with xoxb- (OAuth & Permissions, Bot User OAuth Token)")
	}
	cfg.AppToken = env("SLACK_APP_TOKEN")
	if cfg.AppToken != "" && !strings.HasPrefix(cfg.AppToken, "xapp-") {
		return fail("SLACK_APP_TOKEN is not an app-level token: it should start with xapp- (Basic Information, App-Level Tokens, with the connections:write scope)")
	}
	cfg.SigningSecret = env("SLACK_SIGNING_SECRET")
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return fail("set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
	}
	cfg.Addr = env("NEWSBOT_SLACK_ADDR")
	cfg.APIURL = env("NEWSBOT_SLACK_API_URL")
	if cfg.APIURL != "" && !strings.HasSuffix(cfg.APIURL, "/") {
		return fail("NEWSBOT_SLACK_API_URL %q must end with \"/\"", cfg.APIURL)
	}
	boolVar := func(name string, def bool) (bool, error) {
		v := env(name)
		if v == "" {
			return def, nil
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, fmt.Errorf("slack: %s %q is not true or false", name, v)
		}
		return b, nil
	}
	follow, err := boolVar("NEWSBOT_SLACK_THREAD_FOLLOWUPS", true)
	if err != nil {
		return Config{}, false, err
	}
	cfg.DisableThreadFollowUps = !follow
	share, err := boolVar("NEWSBOT_SLACK_SHARE_BUTTON", true)
	if err != nil {
		return Config{}, false, err
	}
	cfg.DisableShareButton = !share
	switch v := strings.ToLower(env("NEWSBOT_SLACK_ASK")); v {
	case "", "private":
	case "channel":
		cfg.AskInChannel = true
	default:
		return fail("NEWSBOT_SLACK_ASK %q is neither private nor channel", v)
	}
	if v := strings.ToLower(env("NEWSBOT_SLACK_RATE")); v != "" {
		if v == "off" {
			cfg.RatePerMinute = -1
		} else {
			r, err := strconv.ParseFloat(v, 64)
			if err != nil || r < 0 {
				return fail("NEWSBOT_SLACK_RATE %q is not a number of questions a minute (or off)", v)
			}
			cfg.RatePerMinute = r
			if r == 0 {
				cfg.RatePerMinute = -1
			}
		}
	}
	if v := env("NEWSBOT_SLACK_BURST"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fail("NEWSBOT_SLACK_BURST %q is not a whole number of at least 1", v)
		}
		cfg.Burst = n
	}
	if v := env("NEWSBOT_SLACK_UPDATE_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fail("NEWSBOT_SLACK_UPDATE_EVERY %q is not a positive duration such as 1s", v)
		}
		cfg.UpdateEvery = d
	}
	cfg.Reaction = strings.Trim(env("NEWSBOT_SLACK_REACTION"), ":")
	return cfg, true, nil
}
