package slack

import (
	"strings"
	"testing"
)

func TestChecks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		check   func(string) error
		v       string
		wantErr string
	}{
		{"bot token", CheckBotToken, "xoxb-1-2-abc", ""},
		{"user token as bot token", CheckBotToken, "xoxp-secret", "xoxb-"},
		{"app token as bot token", CheckBotToken, "xapp-secret", "xoxb-"},
		{"app token", CheckAppToken, "xapp-1-A1-abc", ""},
		{"bot token as app token", CheckAppToken, "xoxb-secret", "xapp-"},
		{"API URL", CheckAPIURL, "http://127.0.0.1:9999/api/", ""},
		{"API URL without slash", CheckAPIURL, "http://x/api", `"/"`},
		{"API URL without scheme", CheckAPIURL, "slack.test/api/", "http"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check(tc.v)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("%q: %v", tc.v, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("%q: err = %v, want one saying %s", tc.v, err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error repeats the token: %v", err)
			}
		})
	}
}

func TestNewChecks(t *testing.T) {
	bot := builtinBot(t)
	for _, tc := range []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"socket mode", Config{BotToken: "xoxb-1", AppToken: "xapp-1"}, ""},
		{"http mode", Config{BotToken: "xoxb-1", SigningSecret: "s"}, ""},
		{"no token", Config{AppToken: "xapp-1"}, "bot token"},
		{"user token", Config{BotToken: "xoxp-secret", AppToken: "xapp-1"}, "BotToken"},
		{"bot token as app token", Config{BotToken: "xoxb-1", AppToken: "xoxb-secret"}, "AppToken"},
		{"no way in", Config{BotToken: "xoxb-1"}, "signing secret"},
		{"API URL without slash", Config{BotToken: "xoxb-1", AppToken: "xapp-1", APIURL: "http://x/api"}, "APIURL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, bot)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "secret") && !strings.Contains(tc.wantErr, "secret") {
				t.Errorf("error repeats a token: %v", err)
			}
		})
	}
}
