package discord

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
		{"token", CheckToken, "abc.def-ghi", ""},
		{"token with prefix", CheckToken, "Bot abc", ""},
		{"token with spaces", CheckToken, "abc def", "white space"},
		{"token with a line break", CheckToken, "abc\n", "white space"},
		{"id", CheckID, "123456789012345678", ""},
		{"id with letters", CheckID, "x1", "not a Discord id"},
		{"id with spaces", CheckID, "my server", "not a Discord id"},
		{"id too long", CheckID, strings.Repeat("1", 21), "not a Discord id"},
		{"public key", CheckPublicKey, testPublicKey, ""},
		{"public key not hex", CheckPublicKey, "zz", "64 hex digits"},
		{"public key short", CheckPublicKey, "abcd", "64 hex digits"},
		{"API URL", CheckAPIURL, "http://127.0.0.1:9999", ""},
		{"API URL without scheme", CheckAPIURL, "discord.test", "http"},
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
				t.Fatalf("%q: err = %v, want one saying %q", tc.v, err, tc.wantErr)
			}
			if strings.Contains(err.Error(), strings.TrimSpace(tc.v)) {
				t.Errorf("the error repeats the value: %v", err)
			}
		})
	}
}

func TestNewChecks(t *testing.T) {
	if _, err := New(Config{}, builtinBot(t)); err == nil {
		t.Error("New without token or key succeeded")
	}
	if _, err := New(Config{Token: "t", PublicKey: "nothex"}, builtinBot(t)); err == nil || !strings.Contains(err.Error(), "public key") {
		t.Errorf("bad key: %v", err)
	}
	if _, err := New(Config{Token: "t", APIURL: "discord.test"}, builtinBot(t)); err == nil || !strings.Contains(err.Error(), "API URL") {
		t.Errorf("bad API URL: %v", err)
	}
	if _, err := New(Config{Token: "t"}, nil); err == nil {
		t.Error("New without an Answerer succeeded")
	}
	if _, err := New(Config{Token: "t t"}, builtinBot(t)); err == nil || !strings.Contains(err.Error(), "white space") {
		t.Errorf("token with white space: %v", err)
	}
	if _, err := New(Config{Token: "t", GuildID: "my server"}, builtinBot(t)); err == nil || !strings.Contains(err.Error(), "GuildID") {
		t.Errorf("bad guild id: %v", err)
	}
	if _, err := New(Config{Token: "t", AppID: "x1"}, builtinBot(t)); err == nil || !strings.Contains(err.Error(), "AppID") {
		t.Errorf("bad app id: %v", err)
	}
	if _, err := New(Config{Token: "t", Addr: ":8080"}, builtinBot(t)); err == nil || !strings.Contains(err.Error(), "PublicKey") {
		t.Errorf("Addr without a public key: %v", err)
	}
}
