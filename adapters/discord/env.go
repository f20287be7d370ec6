package discord

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ConfigFromEnv reads a Config through getenv:
//
//   - DISCORD_TOKEN: the bot token (required; ok is false, with no error,
//     when it is unset);
//   - DISCORD_APP_ID: the application id (default: learnt at start);
//   - DISCORD_PUBLIC_KEY: the application's public key, 64 hex digits
//     (needed for the HTTP interactions endpoint);
//   - DISCORD_GUILD_ID: register /ask on this server only (default:
//     globally);
//   - NEWSBOT_DISCORD_ADDR: serve the HTTP interactions endpoint at this
//     address, such as ":8080" (default: none; needs DISCORD_PUBLIC_KEY);
//   - NEWSBOT_DISCORD_EPHEMERAL: "true" to show /ask answers only to the
//     asker (default false);
//   - NEWSBOT_DISCORD_RATE: questions per person per minute (default 6;
//     "0" or "off" for no limit), the unit of NEWSBOT_SLACK_RATE;
//   - NEWSBOT_DISCORD_BURST: questions a person may ask at once (default
//     3);
//   - NEWSBOT_DISCORD_RATE_EVERY and NEWSBOT_DISCORD_RATE_BURST, the older
//     names, still accepted when the new ones are unset: one question per
//     person per this duration ("off" for no limit), after a burst of this
//     many;
//   - NEWSBOT_DISCORD_EDIT_EVERY: least time between streamed edits
//     (default 1s);
//   - NEWSBOT_DISCORD_REQUEST_TIMEOUT: deadline of each REST request
//     (default 10s);
//   - NEWSBOT_DISCORD_API_URL: send every request (REST, and the gateway
//     lookup) to this base URL instead of https://discord.com; for tests
//     against a fake Discord.
//
// Errors name the variable and never repeat the token.
func ConfigFromEnv(getenv func(string) string) (cfg Config, ok bool, err error) {
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	cfg.Token = env("DISCORD_TOKEN")
	if cfg.Token == "" {
		return Config{}, false, nil
	}
	if strings.ContainsAny(cfg.Token, " \t\r\n") && !strings.HasPrefix(cfg.Token, "Bot ") {
		return Config{}, false, fmt.Errorf("discord: DISCORD_TOKEN contains white space; set it to the token alone")
	}
	cfg.AppID = env("DISCORD_APP_ID")
	if cfg.AppID != "" && !isSnowflake(cfg.AppID) {
		return Config{}, false, fmt.Errorf("discord: DISCORD_APP_ID %q is not a Discord id (digits only)", cfg.AppID)
	}
	cfg.GuildID = env("DISCORD_GUILD_ID")
	if cfg.GuildID != "" && !isSnowflake(cfg.GuildID) {
		return Config{}, false, fmt.Errorf("discord: DISCORD_GUILD_ID %q is not a Discord id (digits only; right-click the server with Developer Mode on, Copy Server ID)", cfg.GuildID)
	}
	cfg.PublicKey = env("DISCORD_PUBLIC_KEY")
	if cfg.PublicKey != "" {
		if _, err := parsePublicKey(cfg.PublicKey); err != nil {
			return Config{}, false, fmt.Errorf("discord: DISCORD_PUBLIC_KEY: %w", err)
		}
	}
	cfg.Addr = env("NEWSBOT_DISCORD_ADDR")
	if cfg.Addr != "" && cfg.PublicKey == "" {
		return Config{}, false, fmt.Errorf("discord: NEWSBOT_DISCORD_ADDR is set but DISCORD_PUBLIC_KEY is not: the HTTP endpoint needs the public key")
	}
	if v := env("NEWSBOT_DISCORD_EPHEMERAL"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, false, fmt.Errorf("discord: NEWSBOT_DISCORD_EPHEMERAL %q is not true or false", v)
		}
		cfg.Ephemeral = b
	}
	switch v := strings.ToLower(env("NEWSBOT_DISCORD_RATE")); {
	case v == "off":
		cfg.RatePerMinute = -1
	case v != "":
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 {
			return Config{}, false, fmt.Errorf("discord: NEWSBOT_DISCORD_RATE %q is not a number of questions a minute (or off)", v)
		}
		cfg.RatePerMinute = r
		if r == 0 {
			cfg.RatePerMinute = -1
		}
	default:
		// The older setting: a duration per question.
		v := env("NEWSBOT_DISCORD_RATE_EVERY")
		if strings.EqualFold(v, "off") {
			cfg.RatePerMinute = -1
			break
		}
		every, err := duration("NEWSBOT_DISCORD_RATE_EVERY", v)
		if err != nil {
			return Config{}, false, err
		}
		if every > 0 {
			cfg.RatePerMinute = float64(time.Minute) / float64(every)
		}
	}
	burstName := "NEWSBOT_DISCORD_BURST"
	v := env(burstName)
	if v == "" {
		burstName = "NEWSBOT_DISCORD_RATE_BURST"
		v = env(burstName)
	}
	if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return Config{}, false, fmt.Errorf("discord: %s %q is not a whole number of at least 1", burstName, v)
		}
		cfg.Burst = n
	}
	cfg.APIURL = env("NEWSBOT_DISCORD_API_URL")
	if cfg.EditEvery, err = duration("NEWSBOT_DISCORD_EDIT_EVERY", env("NEWSBOT_DISCORD_EDIT_EVERY")); err != nil {
		return Config{}, false, err
	}
	if cfg.RequestTimeout, err = duration("NEWSBOT_DISCORD_REQUEST_TIMEOUT", env("NEWSBOT_DISCORD_REQUEST_TIMEOUT")); err != nil {
		return Config{}, false, err
	}
	return cfg, true, nil
}

// duration parses an optional positive duration; "" is 0, the default.
func duration(name, v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("discord: %s %q is not a duration such as 10s or 1m", name, v)
	}
	if d <= 0 {
		return 0, fmt.Errorf("discord: %s %q must be positive", name, v)
	}
	return d, nil
}

func isSnowflake(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
