package discord

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
		wantErr string
		check   func(Config) bool
	}{
		{"unset", nil, false, "", nil},
		{"token only", map[string]string{"DISCORD_TOKEN": "abc"}, true, "", func(c Config) bool {
			return c.Token == "abc" && c.GuildID == "" && !c.Ephemeral && c.RatePerMinute == 0 && c.Burst == 0 && c.APIURL == ""
		}},
		{"everything", map[string]string{
			"DISCORD_TOKEN": "abc", "DISCORD_APP_ID": "200", "DISCORD_GUILD_ID": "1", "DISCORD_PUBLIC_KEY": testPublicKey,
			"NEWSBOT_DISCORD_ADDR": ":8080", "NEWSBOT_DISCORD_EPHEMERAL": "true", "NEWSBOT_DISCORD_RATE": "4",
			"NEWSBOT_DISCORD_BURST": "5", "NEWSBOT_DISCORD_EDIT_EVERY": "2s", "NEWSBOT_DISCORD_REQUEST_TIMEOUT": "5s",
			"NEWSBOT_DISCORD_API_URL": "http://127.0.0.1:9999",
		}, true, "", func(c Config) bool {
			return c.AppID == "200" && c.GuildID == "1" && c.PublicKey == testPublicKey && c.Addr == ":8080" && c.Ephemeral &&
				c.RatePerMinute == 4 && c.Burst == 5 && c.EditEvery == 2*time.Second && c.RequestTimeout == 5*time.Second &&
				c.APIURL == "http://127.0.0.1:9999"
		}},
		// The older names, in their unit (a duration per question), mean the
		// same rate in questions a minute; the new names win.
		{"older rate names", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE_EVERY": "30s", "NEWSBOT_DISCORD_RATE_BURST": "5"}, true, "", func(c Config) bool {
			return c.RatePerMinute == 2 && c.Burst == 5
		}},
		{"new names win", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE": "12", "NEWSBOT_DISCORD_RATE_EVERY": "30s", "NEWSBOT_DISCORD_BURST": "2", "NEWSBOT_DISCORD_RATE_BURST": "5"}, true, "", func(c Config) bool {
			return c.RatePerMinute == 12 && c.Burst == 2
		}},
		{"rate off", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE": "off"}, true, "", func(c Config) bool { return c.RatePerMinute < 0 }},
		{"rate 0 is off", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE": "0"}, true, "", func(c Config) bool { return c.RatePerMinute < 0 }},
		{"older rate off", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE_EVERY": "off"}, true, "", func(c Config) bool { return c.RatePerMinute < 0 }},
		{"bad rate", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE": "lots"}, false, "NEWSBOT_DISCORD_RATE", nil},
		{"bad older rate", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE_EVERY": "soon"}, false, "NEWSBOT_DISCORD_RATE_EVERY", nil},
		{"bad guild", map[string]string{"DISCORD_TOKEN": "abc", "DISCORD_GUILD_ID": "my server"}, false, "DISCORD_GUILD_ID", nil},
		{"bad app", map[string]string{"DISCORD_TOKEN": "abc", "DISCORD_APP_ID": "x1"}, false, "DISCORD_APP_ID", nil},
		{"bad key", map[string]string{"DISCORD_TOKEN": "abc", "DISCORD_PUBLIC_KEY": "zz"}, false, "DISCORD_PUBLIC_KEY", nil},
		{"short key", map[string]string{"DISCORD_TOKEN": "abc", "DISCORD_PUBLIC_KEY": "abcd"}, false, "DISCORD_PUBLIC_KEY", nil},
		{"addr without key", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_ADDR": ":8080"}, false, "DISCORD_PUBLIC_KEY", nil},
		{"bad bool", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_EPHEMERAL": "sometimes"}, false, "NEWSBOT_DISCORD_EPHEMERAL", nil},
		{"bad duration", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_EDIT_EVERY": "fast"}, false, "NEWSBOT_DISCORD_EDIT_EVERY", nil},
		{"negative duration", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_REQUEST_TIMEOUT": "-1s"}, false, "NEWSBOT_DISCORD_REQUEST_TIMEOUT", nil},
		{"bad burst", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_BURST": "0"}, false, "NEWSBOT_DISCORD_BURST", nil},
		{"bad older burst", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE_BURST": "0"}, false, "NEWSBOT_DISCORD_RATE_BURST", nil},
		{"token with spaces", map[string]string{"DISCORD_TOKEN": "abc def"}, false, "DISCORD_TOKEN", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, ok, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), tc.env["DISCORD_TOKEN"]) && tc.env["DISCORD_TOKEN"] != "abc" {
					t.Errorf("error repeats the token")
				}
				return
			}
			if err != nil || ok != tc.ok {
				t.Fatalf("ok=%v err=%v, want ok=%v", ok, err, tc.ok)
			}
			if tc.check != nil && !tc.check(cfg) {
				t.Errorf("config %+v", cfg)
			}
		})
	}
}
