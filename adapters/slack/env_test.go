package slack

import (
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		ok      bool
		errName string // the variable the error must name
		check   func(t *testing.T, c Config)
	}{
		{name: "unset", env: map[string]string{}, ok: false},
		{name: "socket mode defaults", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, ok: true,
			check: func(t *testing.T, c Config) {
				if c.AppToken != "xapp-1" || c.DisableThreadFollowUps || c.AskInChannel || c.DisableShareButton || c.RatePerMinute != 0 {
					t.Errorf("%+v", c)
				}
			}},
		{name: "http mode and options", env: map[string]string{
			"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "NEWSBOT_SLACK_ADDR": ":8080",
			"NEWSBOT_SLACK_THREAD_FOLLOWUPS": "false", "NEWSBOT_SLACK_ASK": "channel", "NEWSBOT_SLACK_SHARE_BUTTON": "false",
			"NEWSBOT_SLACK_RATE": "off", "NEWSBOT_SLACK_BURST": "5", "NEWSBOT_SLACK_UPDATE_EVERY": "2s", "NEWSBOT_SLACK_REACTION": ":eyes:",
		}, ok: true, check: func(t *testing.T, c Config) {
			if c.SigningSecret != "s" || c.Addr != ":8080" || !c.DisableThreadFollowUps || !c.AskInChannel || !c.DisableShareButton ||
				c.RatePerMinute >= 0 || c.Burst != 5 || c.UpdateEvery != 2*time.Second || c.Reaction != "eyes" {
				t.Errorf("%+v", c)
			}
		}},
		{name: "user token", env: map[string]string{"SLACK_BOT_TOKEN": "xoxp-secret", "SLACK_APP_TOKEN": "xapp-1"}, errName: "SLACK_BOT_TOKEN"},
		{name: "bot token as app token", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-secret"}, errName: "SLACK_APP_TOKEN"},
		{name: "no way in", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, errName: "SLACK_SIGNING_SECRET"},
		{name: "bad bool", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSBOT_SLACK_THREAD_FOLLOWUPS": "sometimes"}, errName: "NEWSBOT_SLACK_THREAD_FOLLOWUPS"},
		{name: "bad ask", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSBOT_SLACK_ASK": "loud"}, errName: "NEWSBOT_SLACK_ASK"},
		{name: "bad rate", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSBOT_SLACK_RATE": "fast"}, errName: "NEWSBOT_SLACK_RATE"},
		{name: "bad burst", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSBOT_SLACK_BURST": "0"}, errName: "NEWSBOT_SLACK_BURST"},
		{name: "bad interval", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSBOT_SLACK_UPDATE_EVERY": "1"}, errName: "NEWSBOT_SLACK_UPDATE_EVERY"},
		{name: "API URL without slash", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSBOT_SLACK_API_URL": "http://x/api"}, errName: "NEWSBOT_SLACK_API_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if tc.errName != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errName) {
					t.Fatalf("err = %v, want one naming %s", err, tc.errName)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error repeats a token: %v", err)
				}
				return
			}
			if err != nil || ok != tc.ok {
				t.Fatalf("ok=%v err=%v", ok, err)
			}
			if tc.check != nil {
				tc.check(t, c)
			}
			if ok {
				if _, err := New(c, builtinBot(t)); err != nil {
					t.Errorf("New: %v", err)
				}
			}
		})
	}
}
