package slack

import (
	"errors"
	"net/url"
	"strings"
)

// The checks below say whether a value can be the Config field they name.
// New applies them; a program that reads its settings from somewhere (bot
// reads environment variables and a config file) applies them too, to name
// the setting that is wrong before anything starts. Their errors never
// repeat the value, which may be a secret: they say what is wrong, for the
// caller to say where the value came from.

// CheckBotToken reports whether s can be Config.BotToken: a bot token,
// "xoxb-...".
func CheckBotToken(s string) error {
	if !strings.HasPrefix(s, "xoxb-") {
		return errors.New("not a bot token: it should start with xoxb- (OAuth & Permissions, Bot User OAuth Token)")
	}
	return nil
}

// CheckAppToken reports whether s can be Config.AppToken: an app-level
// token, "xapp-...".
func CheckAppToken(s string) error {
	if !strings.HasPrefix(s, "xapp-") {
		return errors.New("not an app-level token: it should start with xapp- (Basic Information, App-Level Tokens, with the connections:write scope)")
	}
	return nil
}

// CheckAPIURL reports whether s can be Config.APIURL: an http or https
// URL ending in "/", as slack-go joins method names to it.
func CheckAPIURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("not an http or https URL such as https://slack.com/api/")
	}
	if !strings.HasSuffix(s, "/") {
		return errors.New(`a URL that does not end with "/"`)
	}
	return nil
}
