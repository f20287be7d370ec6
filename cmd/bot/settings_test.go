package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	newsbot "github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/discord"
	"github.com/newsbot-dev/newsbot/adapters/openai"
	"github.com/newsbot-dev/newsbot/adapters/slack"
)

var update = flag.Bool("update", false, "rewrite the README's settings tables from settings.go")

// configLines reads the output of "bot config": each setting's value
// column ("30s (default)"), by name.
func configLines(out string) map[string]string {
	cols := regexp.MustCompile(`\s{2,}`)
	lines := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		f := cols.Split(l, -1)
		if len(f) >= 3 && f[0] == "" {
			lines[f[1]] = f[2]
		}
	}
	return lines
}

// botConfig runs "bot ARGS... config" and returns its value column by
// setting and what it logged.
func botConfig(t *testing.T, env map[string]string, args ...string) (map[string]string, string, error) {
	t.Helper()
	var out, log bytes.Buffer
	e := newEnviron(func(k string) string { return env[k] }, strings.NewReader(""), &out, &log)
	err := e.run(context.Background(), append(args, "config"))
	return configLines(out.String()), log.String(), err
}

// Every declaration is whole: a doc line, a kind, a default its own kind
// accepts, and a name (or older name) no other setting has.
func TestSettingsDeclarations(t *testing.T) {
	names := map[string]bool{}
	flags := map[string]bool{}
	for _, d := range table() {
		for _, n := range append([]string{d.name}, olderNames(d)...) {
			if names[n] {
				t.Errorf("%s is declared twice", n)
			}
			names[n] = true
			if !regexp.MustCompile(`^(NEWSBOT|OPENAI|SLACK|DISCORD)_[A-Z_]+$`).MatchString(n) {
				t.Errorf("%s: not a setting's name", n)
			}
		}
		if d.doc == "" || d.kind.parse == nil || d.kind.want == "" {
			t.Errorf("%s: no doc or no kind", d.name)
		}
		if d.def != "" {
			if _, err := d.kind.parse(d.def); err != nil {
				t.Errorf("%s: its default %q is refused by its kind: %v", d.name, d.def, err)
			}
			if d.secret {
				t.Errorf("%s: a secret with a default", d.name)
			}
		}
		if d.def == "" && d.defFrom == nil && d.unsetNote == "" {
			t.Errorf("%s: no default and nothing says what unset means", d.name)
		}
		if d.flag != "" {
			if flags[d.flag] {
				t.Errorf("flag --%s is declared twice", d.flag)
			}
			flags[d.flag] = true
			if !d.kind.boolean && flagArg(d.doc) == "" {
				t.Errorf("%s: its doc names no argument for --%s (a word in capitals in backquotes)", d.name, d.flag)
			}
		}
	}
}

func olderNames(d setting) []string {
	var out []string
	for _, o := range d.older {
		out = append(out, o.name)
	}
	return out
}

// bot config prints every setting with the value in effect: the default
// when unset, marked as such; secrets redacted; where each value came from.
func TestConfigShowsValuesInEffect(t *testing.T) {
	lines, _, err := botConfig(t, map[string]string{"HOME": "/home/ann", "SLACK_BOT_TOKEN": "xoxb-hunter2", "NEWSBOT_SLACK_RATE": "10"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range table() {
		if _, ok := lines[d.name]; !ok {
			t.Errorf("bot config does not show %s", d.name)
		}
	}
	for name, want := range map[string]string{
		"NEWSBOT_SHUTDOWN_TIMEOUT": "30s (default)",
		"NEWSBOT_MODEL_TIMEOUT":    "2m (default)",
		"NEWSBOT_LOG_LEVEL":        "warn (default)",
		"NEWSBOT_SLACK_RATE":       "10 (environment)",
		"NEWSBOT_DISCORD_RATE":     "6 (default)",
		"NEWSBOT_HTTP_RATE":        "300 (default)",
		"NEWSBOT_DATA":             "/home/ann/.local/share/newsbot (default)",
		"SLACK_BOT_TOKEN":          "[set, redacted] (environment)",
		"SLACK_APP_TOKEN":          "unset",
		"DISCORD_APP_ID":           "unset (learnt from Discord at start)",
	} {
		if !strings.HasPrefix(lines[name], want) {
			t.Errorf("%s shows as %q, want %q", name, lines[name], want)
		}
	}
	for name, v := range lines {
		if strings.Contains(v, "hunter2") {
			t.Errorf("%s shows a secret: %q", name, v)
		}
	}
}

// Flags win over the environment, and the environment over the file.
func TestSettingsPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bot.yaml")
	writeFiles(t, dir, map[string][]byte{"bot.yaml": []byte("NEWSBOT_CORPUS: from-file\nNEWSBOT_MODEL: file-model\nNEWSBOT_LOG_LEVEL: error\nNEWSBOT_SHUTDOWN_TIMEOUT: 5s\n")})
	env := map[string]string{"NEWSBOT_CONFIG": file, "NEWSBOT_CORPUS": "from-env", "NEWSBOT_MODEL": "env-model"}
	for _, tc := range []struct {
		name string
		args []string
		want map[string]string
	}{
		{"env over file", nil, map[string]string{
			"NEWSBOT_CORPUS": "from-env (environment)", "NEWSBOT_MODEL": "env-model (environment)",
			"NEWSBOT_LOG_LEVEL": "error (config file)", "NEWSBOT_SHUTDOWN_TIMEOUT": "5s (config file)", "NEWSBOT_CONFIG": file + " (environment)"}},
		{"flag over env", []string{"--corpus", "a", "--corpus", "b"}, map[string]string{"NEWSBOT_CORPUS": "a:b (flag --corpus)"}},
		{"--config over NEWSBOT_CONFIG", []string{"--config", filepath.Join(dir, "other.yaml")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == nil {
				writeFiles(t, dir, map[string][]byte{"other.yaml": []byte("NEWSBOT_SHUTDOWN_TIMEOUT: 7s\n")})
				tc.want = map[string]string{"NEWSBOT_SHUTDOWN_TIMEOUT": "7s (config file)", "NEWSBOT_LOG_LEVEL": "warn (default)"}
			}
			lines, _, err := botConfig(t, env, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range tc.want {
				if !strings.HasPrefix(lines[name], want) {
					t.Errorf("%s shows as %q, want %q", name, lines[name], want)
				}
			}
		})
	}
	// And the files really answer: the flag's corpus, not the env's or the file's.
	src := t.TempDir()
	writeFiles(t, src, map[string][]byte{"a.txt": []byte("Hail broke the windows of Graz on Sunday.\n")})
	out, err := runBot(t, map[string]string{"NEWSBOT_CONFIG": file, "NEWSBOT_CORPUS": "/nonexistent", "NEWSBOT_DATA": t.TempDir()}, "", "--corpus", src, "ask", "What broke the windows of Graz?")
	if err != nil || !strings.Contains(out, "Hail broke the windows") {
		t.Errorf("--corpus over NEWSBOT_CORPUS: %v\n%s", err, out)
	}
}

// "--config" inside a question is part of the question, after "ask" or
// after "--"; before or after the command name it names the file.
func TestConfigFlagAndQuestions(t *testing.T) {
	src, data := t.TempDir(), t.TempDir()
	writeFiles(t, src, map[string][]byte{"flags.txt": []byte("The --config flag means the bot reads its settings from a file.\n")})
	cfg := filepath.Join(t.TempDir(), "bot.yaml")
	if err := os.WriteFile(cfg, []byte("NEWSBOT_CORPUS: "+src+"\nNEWSBOT_DATA: "+data+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": t.TempDir()}
	for _, args := range [][]string{
		{"--corpus", src, "--data", data, "ask", "what", "does", "--config", "mean"},
		{"--corpus", src, "--data", data, "ask", "--", "what", "does", "--config", "mean"},
		{"--corpus", src, "--data", data, "ask", "what does --config mean"},
		{"--corpus", src, "--data", data, "ask", "what", "does", "-config", "mean?"},
		{"--config", cfg, "ask", "what", "does", "--config", "mean"},
		{"ask", "--config", cfg, "what", "does", "--config", "mean"},
		{"ask", "--config=" + cfg, "--", "what", "does", "--config", "mean"},
	} {
		out, err := runBot(t, env, "", args...)
		if err != nil || !strings.Contains(out, "reads its settings from a file") {
			t.Errorf("bot %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// A wrong value stops the start, naming the setting, where the value came
// from and what it must be; a secret's value is never repeated.
func TestWrongSettingStopsStart(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"bad.yaml": []byte("NEWSBOT_SLACK_RATE: fast\n")})
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"unknown log level", map[string]string{"NEWSBOT_LOG_LEVEL": "verbose"}, []string{"ask", "x"},
			[]string{"NEWSBOT_LOG_LEVEL", `"verbose"`, "the environment", "one of debug, info, warn or error"}},
		{"unknown log format", map[string]string{"NEWSBOT_LOG_FORMAT": "xml"}, []string{"search", "x"},
			[]string{"NEWSBOT_LOG_FORMAT", "one of auto, text or json"}},
		{"not a bool", map[string]string{"NEWSBOT_EXTRACTIVE": "maybe"}, []string{"ask", "x"},
			[]string{"NEWSBOT_EXTRACTIVE", "true or false"}},
		{"bad duration", map[string]string{"NEWSBOT_SHUTDOWN_TIMEOUT": "soon"}, []string{"serve", "--addr", "127.0.0.1:0"},
			[]string{"NEWSBOT_SHUTDOWN_TIMEOUT", "a positive duration such as 30s"}},
		{"bad address", map[string]string{"NEWSBOT_ADDR": "8080"}, []string{"serve"},
			[]string{"NEWSBOT_ADDR", "an address such as :8080"}},
		{"from the file", map[string]string{"NEWSBOT_CONFIG": dir + "/bad.yaml"}, []string{"ask", "x"},
			[]string{"NEWSBOT_SLACK_RATE", "the config file " + dir + "/bad.yaml", "questions a minute"}},
		{"a secret", map[string]string{"SLACK_BOT_TOKEN": "xoxp-hunter2"}, []string{"ask", "x"},
			[]string{"SLACK_BOT_TOKEN", "[set, redacted]", "xoxb-"}},
		{"bad --data", nil, []string{"--data=", "ask", "x"}, []string{"data", "empty"}},
		{"an older name", map[string]string{"NEWSBOT_DISCORD_RATE_EVERY": "soon"}, []string{"discord"},
			[]string{"NEWSBOT_DISCORD_RATE_EVERY (the older name of NEWSBOT_DISCORD_RATE)", "10s, or off"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runBot(t, tc.env, "", tc.args...)
			if err == nil {
				t.Fatal("the command started")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q repeats the secret", err)
			}
		})
	}
	// bot config shows the wrong values, then fails naming them.
	lines, _, err := botConfig(t, map[string]string{"NEWSBOT_LOG_LEVEL": "verbose", "DISCORD_TOKEN": "a b"})
	if err == nil || !strings.Contains(err.Error(), "NEWSBOT_LOG_LEVEL") || !strings.Contains(err.Error(), "DISCORD_TOKEN") {
		t.Errorf("bot config with wrong values: err = %v", err)
	}
	if !strings.HasPrefix(lines["NEWSBOT_LOG_LEVEL"], "verbose (environment; wrong, see below)") {
		t.Errorf("bot config shows NEWSBOT_LOG_LEVEL as %q", lines["NEWSBOT_LOG_LEVEL"])
	}
}

// An older name means what it meant, with one deprecation line in the log
// naming the new one; the new name wins when both are set.
func TestOlderNames(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		setting string
		want    string
		log     string // the deprecation line's start; "" for none
	}{
		{"Discord rate as a duration", map[string]string{"NEWSBOT_DISCORD_RATE_EVERY": "30s"},
			"NEWSBOT_DISCORD_RATE", "2 (environment, as NEWSBOT_DISCORD_RATE_EVERY)", "setting NEWSBOT_DISCORD_RATE_EVERY is deprecated: set NEWSBOT_DISCORD_RATE instead"},
		{"Discord rate off", map[string]string{"NEWSBOT_DISCORD_RATE_EVERY": "off"},
			"NEWSBOT_DISCORD_RATE", "off (environment, as NEWSBOT_DISCORD_RATE_EVERY)", "setting NEWSBOT_DISCORD_RATE_EVERY is deprecated"},
		{"Discord burst", map[string]string{"NEWSBOT_DISCORD_RATE_BURST": "5"},
			"NEWSBOT_DISCORD_BURST", "5 (environment, as NEWSBOT_DISCORD_RATE_BURST)", "setting NEWSBOT_DISCORD_RATE_BURST is deprecated: set NEWSBOT_DISCORD_BURST instead"},
		{"Discord ephemeral", map[string]string{"NEWSBOT_DISCORD_EPHEMERAL": "true"},
			"NEWSBOT_DISCORD_ASK", "private (environment, as NEWSBOT_DISCORD_EPHEMERAL)", "setting NEWSBOT_DISCORD_EPHEMERAL is deprecated: set NEWSBOT_DISCORD_ASK instead"},
		{"API rate a second", map[string]string{"NEWSBOT_API_RATE": "10"},
			"NEWSBOT_HTTP_RATE", "600 (environment, as NEWSBOT_API_RATE)", "setting NEWSBOT_API_RATE is deprecated: set NEWSBOT_HTTP_RATE instead"},
		{"Slack edits", map[string]string{"NEWSBOT_SLACK_UPDATE_EVERY": "2s"},
			"NEWSBOT_SLACK_EDIT_EVERY", "2s (environment, as NEWSBOT_SLACK_UPDATE_EVERY)", "setting NEWSBOT_SLACK_UPDATE_EVERY is deprecated: set NEWSBOT_SLACK_EDIT_EVERY instead"},
		{"the new name wins", map[string]string{"NEWSBOT_DISCORD_RATE": "12", "NEWSBOT_DISCORD_RATE_EVERY": "30s"},
			"NEWSBOT_DISCORD_RATE", "12 (environment)", "setting NEWSBOT_DISCORD_RATE_EVERY is deprecated and ignored: NEWSBOT_DISCORD_RATE is set"},
		{"OPENAI_MODEL is no older name", map[string]string{"OPENAI_MODEL": "gpt-4o"},
			"NEWSBOT_MODEL", "gpt-4o (environment, as OPENAI_MODEL)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, log, err := botConfig(t, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(lines[tc.setting], tc.want) {
				t.Errorf("%s shows as %q, want %q", tc.setting, lines[tc.setting], tc.want)
			}
			var logged []map[string]any
			for _, l := range strings.Split(strings.TrimSpace(log), "\n") {
				var m map[string]any
				if l != "" && json.Unmarshal([]byte(l), &m) == nil {
					logged = append(logged, m)
				}
			}
			if tc.log == "" {
				if len(logged) > 0 {
					t.Errorf("logged %v, want nothing", logged)
				}
				return
			}
			if len(logged) != 1 {
				t.Fatalf("logged %d lines, want one deprecation line:\n%s", len(logged), log)
			}
			if msg, _ := logged[0]["msg"].(string); !strings.HasPrefix(msg, tc.log) || logged[0]["level"] != "WARN" || logged[0]["replaced_by"] != tc.setting {
				t.Errorf("logged %v, want a warning starting %q", logged[0], tc.log)
			}
		})
	}
	// The same older names in a config file.
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"old.yaml": []byte("NEWSBOT_DISCORD_RATE_EVERY: 20s\n")})
	lines, _, err := botConfig(t, nil, "--config", dir+"/old.yaml")
	if err != nil || !strings.HasPrefix(lines["NEWSBOT_DISCORD_RATE"], "3 (config file, as NEWSBOT_DISCORD_RATE_EVERY)") {
		t.Errorf("older name in a file: %v, %q", err, lines["NEWSBOT_DISCORD_RATE"])
	}
}

// resolved returns the settings of env, failing the test on a wrong value
// unless wantProblem names it.
func resolved(t *testing.T, env map[string]string) (*settings, error) {
	t.Helper()
	s, err := resolveSettings(func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.problems) > 0 {
		return s, s.problems[0]
	}
	return s, nil
}

// The model's Config, filled from the settings (once openai.ConfigFromEnv).
func TestModelConfig(t *testing.T) {
	const key = "sk-test-SECRETKEY"
	tests := []struct {
		name    string
		env     map[string]string
		want    openai.Config
		wantOK  bool
		wantErr string
	}{
		{name: "nothing set"},
		{name: "model but no server", env: map[string]string{"NEWSBOT_MODEL": "llama3.1"}},
		{
			name:   "key only",
			env:    map[string]string{"OPENAI_API_KEY": key},
			want:   openai.Config{APIKey: key, Model: "gpt-4o-mini", Timeout: openai.DefaultTimeout},
			wantOK: true,
		},
		{
			name:   "key and OPENAI_MODEL",
			env:    map[string]string{"OPENAI_API_KEY": key, "OPENAI_MODEL": "gpt-4o"},
			want:   openai.Config{APIKey: key, Model: "gpt-4o", Timeout: openai.DefaultTimeout},
			wantOK: true,
		},
		{
			name:   "NEWSBOT_MODEL wins over OPENAI_MODEL",
			env:    map[string]string{"OPENAI_API_KEY": key, "OPENAI_MODEL": "gpt-4o", "NEWSBOT_MODEL": "gpt-4.1"},
			want:   openai.Config{APIKey: key, Model: "gpt-4.1", Timeout: openai.DefaultTimeout},
			wantOK: true,
		},
		{
			name:   "local server",
			env:    map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "NEWSBOT_MODEL": "llama3.1", "NEWSBOT_MODEL_TIMEOUT": "90s"},
			want:   openai.Config{BaseURL: "http://127.0.0.1:11434/v1", Model: "llama3.1", Timeout: 90 * time.Second},
			wantOK: true,
		},
		{
			name:    "base URL without model",
			env:     map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "OPENAI_API_KEY": key},
			wantErr: "NEWSBOT_MODEL",
		},
		{
			name:    "base URL not http",
			env:     map[string]string{"OPENAI_BASE_URL": "127.0.0.1:11434", "NEWSBOT_MODEL": "m"},
			wantErr: "OPENAI_BASE_URL",
		},
		{
			name:    "timeout not a duration",
			env:     map[string]string{"OPENAI_API_KEY": key, "NEWSBOT_MODEL_TIMEOUT": "90"},
			wantErr: "NEWSBOT_MODEL_TIMEOUT",
		},
		{
			name:    "negative timeout",
			env:     map[string]string{"OPENAI_API_KEY": key, "NEWSBOT_MODEL_TIMEOUT": "-1s"},
			wantErr: "NEWSBOT_MODEL_TIMEOUT",
		},
		{
			name: "format, temperature and token limit",
			env: map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:8000/v1", "NEWSBOT_MODEL": "qwen2.5",
				"NEWSBOT_MODEL_FORMAT": "json", "NEWSBOT_MODEL_TEMPERATURE": "0.7", "NEWSBOT_MODEL_MAX_TOKENS": "1200"},
			want: openai.Config{BaseURL: "http://127.0.0.1:8000/v1", Model: "qwen2.5", Timeout: openai.DefaultTimeout,
				Format: openai.FormatJSON, Temperature: 0.7, MaxTokens: 1200},
			wantOK: true,
		},
		{
			name:   "unset format, temperature and token limit: the family's",
			env:    map[string]string{"OPENAI_API_KEY": key},
			want:   openai.Config{APIKey: key, Model: "gpt-4o-mini", Timeout: openai.DefaultTimeout},
			wantOK: true,
		},
		{
			name:    "unknown format",
			env:     map[string]string{"OPENAI_API_KEY": key, "NEWSBOT_MODEL_FORMAT": "yaml"},
			wantErr: "NEWSBOT_MODEL_FORMAT",
		},
		{
			name:    "temperature out of range",
			env:     map[string]string{"OPENAI_API_KEY": key, "NEWSBOT_MODEL_TEMPERATURE": "3"},
			wantErr: "NEWSBOT_MODEL_TEMPERATURE",
		},
		{
			name:    "token limit not a count",
			env:     map[string]string{"OPENAI_API_KEY": key, "NEWSBOT_MODEL_MAX_TOKENS": "0"},
			wantErr: "NEWSBOT_MODEL_MAX_TOKENS",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := resolved(t, tt.env)
			var cfg openai.Config
			var ok bool
			if err == nil {
				cfg, ok, err = modelConfig(s)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), key) {
					t.Errorf("error %q holds the key", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("modelConfig: %v", err)
			}
			if ok != tt.wantOK || cfg.BaseURL != tt.want.BaseURL || cfg.APIKey != tt.want.APIKey ||
				cfg.Model != tt.want.Model || cfg.Timeout != tt.want.Timeout || cfg.Format != tt.want.Format ||
				cfg.Temperature != tt.want.Temperature || cfg.MaxTokens != tt.want.MaxTokens {
				t.Errorf("modelConfig = %v, %v; want %v, %v", cfg, ok, tt.want, tt.wantOK)
			}
			if ok {
				if _, err := openai.New(cfg); err != nil {
					t.Errorf("openai.New(modelConfig()): %v", err)
				}
			}
		})
	}
}

// The Slack adapter's Config, filled from the settings (once
// slack.ConfigFromEnv).
func TestSlackConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		ok      bool
		errName string // the variable the error must name
		check   func(t *testing.T, c slack.Config)
	}{
		{name: "unset", env: map[string]string{}, ok: false},
		{name: "socket mode defaults", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, ok: true,
			check: func(t *testing.T, c slack.Config) {
				if c.AppToken != "xapp-1" || c.DisableThreadFollowUps || c.AskInChannel || c.DisableShareButton ||
					c.RatePerMinute != slack.DefaultRatePerMinute || c.Burst != slack.DefaultBurst || c.UpdateEvery != slack.DefaultUpdateEvery ||
					c.Reaction != slack.DefaultReaction || c.Addr != slack.DefaultAddr || c.APIURL != "" {
					t.Errorf("%+v", c)
				}
			}},
		{name: "http mode and options", env: map[string]string{
			"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "NEWSBOT_SLACK_ADDR": ":8080",
			"NEWSBOT_SLACK_THREAD_FOLLOWUPS": "false", "NEWSBOT_SLACK_ASK": "channel", "NEWSBOT_SLACK_SHARE_BUTTON": "false",
			"NEWSBOT_SLACK_RATE": "off", "NEWSBOT_SLACK_BURST": "5", "NEWSBOT_SLACK_EDIT_EVERY": "2s", "NEWSBOT_SLACK_REACTION": ":eyes:",
			"NEWSBOT_SLACK_API_URL": "http://127.0.0.1:9/api/",
		}, ok: true, check: func(t *testing.T, c slack.Config) {
			if c.SigningSecret != "s" || c.Addr != ":8080" || !c.DisableThreadFollowUps || !c.AskInChannel || !c.DisableShareButton ||
				c.RatePerMinute >= 0 || c.Burst != 5 || c.UpdateEvery != 2*time.Second || c.Reaction != "eyes" || c.APIURL != "http://127.0.0.1:9/api/" {
				t.Errorf("%+v", c)
			}
		}},
		{name: "rate 0 is off", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSBOT_SLACK_RATE": "0"}, ok: true,
			check: func(t *testing.T, c slack.Config) {
				if c.RatePerMinute >= 0 {
					t.Errorf("%+v", c)
				}
			}},
		{name: "older edit name", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSBOT_SLACK_UPDATE_EVERY": "3s"}, ok: true,
			check: func(t *testing.T, c slack.Config) {
				if c.UpdateEvery != 3*time.Second {
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
		{name: "bad interval", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSBOT_SLACK_EDIT_EVERY": "1"}, errName: "NEWSBOT_SLACK_EDIT_EVERY"},
		{name: "bad older interval", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSBOT_SLACK_UPDATE_EVERY": "1"}, errName: "NEWSBOT_SLACK_UPDATE_EVERY"},
		{name: "API URL without slash", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSBOT_SLACK_API_URL": "http://x/api"}, errName: "NEWSBOT_SLACK_API_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := resolved(t, tc.env)
			var c slack.Config
			var ok bool
			if err == nil {
				c, ok, err = slackConfig(s)
			}
			if tc.errName != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errName) {
					t.Fatalf("err = %v, want one naming %s", err, tc.errName)
				}
				if strings.Contains(err.Error(), "xoxp-secret") || strings.Contains(err.Error(), "xoxb-secret") {
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
				if _, err := slack.New(c, nopAnswerer{}); err != nil {
					t.Errorf("New: %v", err)
				}
			}
		})
	}
}

// The Discord adapter's Config, filled from the settings (once
// discord.ConfigFromEnv).
func TestDiscordConfig(t *testing.T) {
	const key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	for _, tc := range []struct {
		name    string
		env     map[string]string
		ok      bool
		wantErr string
		check   func(discord.Config) bool
	}{
		{"unset", nil, false, "", nil},
		{"token only", map[string]string{"DISCORD_TOKEN": "abc"}, true, "", func(c discord.Config) bool {
			return c.Token == "abc" && c.GuildID == "" && !c.Ephemeral && c.RatePerMinute == discord.DefaultRatePerMinute &&
				c.Burst == discord.DefaultBurst && c.APIURL == "" && c.EditEvery == discord.DefaultEditEvery && c.RequestTimeout == discord.DefaultRequestTimeout
		}},
		{"everything", map[string]string{
			"DISCORD_TOKEN": "abc", "DISCORD_APP_ID": "200", "DISCORD_GUILD_ID": "1", "DISCORD_PUBLIC_KEY": key,
			"NEWSBOT_DISCORD_ADDR": ":8080", "NEWSBOT_DISCORD_ASK": "private", "NEWSBOT_DISCORD_RATE": "4",
			"NEWSBOT_DISCORD_BURST": "5", "NEWSBOT_DISCORD_EDIT_EVERY": "2s", "NEWSBOT_DISCORD_REQUEST_TIMEOUT": "5s",
			"NEWSBOT_DISCORD_API_URL": "http://127.0.0.1:9999",
		}, true, "", func(c discord.Config) bool {
			return c.AppID == "200" && c.GuildID == "1" && c.PublicKey == key && c.Addr == ":8080" && c.Ephemeral &&
				c.RatePerMinute == 4 && c.Burst == 5 && c.EditEvery == 2*time.Second && c.RequestTimeout == 5*time.Second &&
				c.APIURL == "http://127.0.0.1:9999"
		}},
		// The older names, in their unit (a duration per question), mean the
		// same rate in questions a minute; the new names win.
		{"older rate names", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE_EVERY": "30s", "NEWSBOT_DISCORD_RATE_BURST": "5"}, true, "", func(c discord.Config) bool {
			return c.RatePerMinute == 2 && c.Burst == 5
		}},
		{"new names win", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE": "12", "NEWSBOT_DISCORD_RATE_EVERY": "30s", "NEWSBOT_DISCORD_BURST": "2", "NEWSBOT_DISCORD_RATE_BURST": "5"}, true, "", func(c discord.Config) bool {
			return c.RatePerMinute == 12 && c.Burst == 2
		}},
		{"older ephemeral", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_EPHEMERAL": "true"}, true, "", func(c discord.Config) bool { return c.Ephemeral }},
		{"older ephemeral off", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_EPHEMERAL": "false"}, true, "", func(c discord.Config) bool { return !c.Ephemeral }},
		{"rate off", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE": "off"}, true, "", func(c discord.Config) bool { return c.RatePerMinute < 0 }},
		{"rate 0 is off", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE": "0"}, true, "", func(c discord.Config) bool { return c.RatePerMinute < 0 }},
		{"older rate off", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE_EVERY": "off"}, true, "", func(c discord.Config) bool { return c.RatePerMinute < 0 }},
		{"bad rate", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE": "lots"}, false, "NEWSBOT_DISCORD_RATE", nil},
		{"bad older rate", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE_EVERY": "soon"}, false, "NEWSBOT_DISCORD_RATE_EVERY", nil},
		{"bad guild", map[string]string{"DISCORD_TOKEN": "abc", "DISCORD_GUILD_ID": "my server"}, false, "DISCORD_GUILD_ID", nil},
		{"bad app", map[string]string{"DISCORD_TOKEN": "abc", "DISCORD_APP_ID": "x1"}, false, "DISCORD_APP_ID", nil},
		{"bad key", map[string]string{"DISCORD_TOKEN": "abc", "DISCORD_PUBLIC_KEY": "zz"}, false, "DISCORD_PUBLIC_KEY", nil},
		{"short key", map[string]string{"DISCORD_TOKEN": "abc", "DISCORD_PUBLIC_KEY": "abcd"}, false, "DISCORD_PUBLIC_KEY", nil},
		{"addr without key", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_ADDR": ":8080"}, false, "DISCORD_PUBLIC_KEY", nil},
		{"bad ask", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_ASK": "sometimes"}, false, "NEWSBOT_DISCORD_ASK", nil},
		{"bad bool", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_EPHEMERAL": "sometimes"}, false, "NEWSBOT_DISCORD_EPHEMERAL", nil},
		{"bad duration", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_EDIT_EVERY": "fast"}, false, "NEWSBOT_DISCORD_EDIT_EVERY", nil},
		{"negative duration", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_REQUEST_TIMEOUT": "-1s"}, false, "NEWSBOT_DISCORD_REQUEST_TIMEOUT", nil},
		{"bad burst", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_BURST": "0"}, false, "NEWSBOT_DISCORD_BURST", nil},
		{"bad older burst", map[string]string{"DISCORD_TOKEN": "abc", "NEWSBOT_DISCORD_RATE_BURST": "0"}, false, "NEWSBOT_DISCORD_RATE_BURST", nil},
		{"token with spaces", map[string]string{"DISCORD_TOKEN": "abc def"}, false, "DISCORD_TOKEN", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := resolved(t, tc.env)
			var cfg discord.Config
			var ok bool
			if err == nil {
				cfg, ok, err = discordConfig(s)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "abc def") {
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
			if ok {
				if _, err := discord.New(cfg, nopAnswerer{}); err != nil {
					t.Errorf("New: %v", err)
				}
			}
		})
	}
}

// Every command's --help lists the settings it reads, and every name in a
// help text, the README, the Dockerfile or the code is a declared one.
func TestHelpListsSettings(t *testing.T) {
	declared := map[string]bool{}
	for _, d := range table() {
		declared[d.name] = true
		for _, o := range d.older {
			declared[o.name] = true
		}
	}
	names := regexp.MustCompile(`\b(NEWSBOT|OPENAI|SLACK|DISCORD)_[A-Z_]*[A-Z]\b`)
	checkNames := func(where, text string) {
		for _, n := range names.FindAllString(text, -1) {
			if !declared[n] {
				t.Errorf("%s names %s, which is no setting", where, n)
			}
		}
	}
	for cmd, gs := range map[string][]group{
		"":        {groupCommon, groupAnswers},
		"chat":    {groupCommon, groupAnswers},
		"ask":     {groupCommon, groupAnswers},
		"ingest":  {groupCommon},
		"search":  {groupCommon},
		"eval":    {groupCommon},
		"bench":   {groupCommon},
		"serve":   allGroups(),
		"slack":   {groupCommon, groupAnswers, groupSlack},
		"discord": {groupCommon, groupAnswers, groupDiscord},
		"config":  nil,
	} {
		args := []string{"--help"}
		if cmd != "" {
			args = []string{cmd, "--help"}
		}
		out, err := runBot(t, nil, "", args...)
		if err != nil || !strings.Contains(out, "Usage") {
			t.Errorf("bot %s --help: %v", cmd, err)
		}
		for _, d := range table() {
			if slices.Contains(gs, d.group) && !strings.Contains(out, "\n  "+d.name+"\n") && !strings.Contains(out, "\n  "+d.name+" (--") {
				t.Errorf("bot %s --help does not list %s", cmd, d.name)
			}
		}
		checkNames("bot "+cmd+" --help", out)
	}
	files, _ := filepath.Glob("../../*.md")
	more, _ := filepath.Glob("../../Dockerfile")
	files = append(files, more...)
	filepath.WalkDir("../..", func(p string, de os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 10 {
		t.Fatalf("found only %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkNames(f, string(b))
	}
}

// The README's settings tables are the declarations': between the
// markers "<!-- settings GROUP -->" and "<!-- end settings -->". With
// -update, the test rewrites them.
func TestREADMESettings(t *testing.T) {
	const path = "../../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, g := range allGroups() {
		start := "<!-- settings " + g.key() + " -->\n"
		i := strings.Index(readme, start)
		if i < 0 {
			t.Errorf("the README has no table of the %s settings (%q)", g.key(), strings.TrimSpace(start))
			continue
		}
		if strings.Count(readme, start) > 1 {
			t.Errorf("the README has two tables of the %s settings", g.key())
		}
		i += len(start)
		j := strings.Index(readme[i:], "<!-- end settings -->")
		if j < 0 {
			t.Fatalf("the %s settings table does not end", g.key())
		}
		want := readmeTable(g)
		if got := readme[i : i+j]; got != want {
			if *update {
				readme = readme[:i] + want + readme[i+j:]
				continue
			}
			t.Errorf("the README's %s settings differ from settings.go (go test ./cmd/bot -run TestREADMESettings -update rewrites them):\ngot:\n%s\nwant:\n%s", g.key(), got, want)
		}
	}
	if *update {
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The HTTP API's rate and burst come from NEWSBOT_HTTP_RATE and
// NEWSBOT_HTTP_BURST, or from the older NEWSBOT_API_RATE in questions a
// second; --addr wins over NEWSBOT_ADDR.
func TestServeAPIRate(t *testing.T) {
	for _, env := range []map[string]string{
		{"NEWSBOT_HTTP_RATE": "0.01", "NEWSBOT_HTTP_BURST": "1"},
		{"NEWSBOT_API_RATE": "0.001", "NEWSBOT_HTTP_BURST": "1"},
	} {
		env["NEWSBOT_LOG_LEVEL"] = "error"
		env["NEWSBOT_ADDR"] = "127.0.0.1:1" // --addr 127.0.0.1:0 wins
		base, stop := startServe(t, env)
		var codes []int
		for range 2 {
			resp, err := http.Post(base+"/v1/ask", "application/json", strings.NewReader(`{"question":"What did Lavrov say about sanctions?"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			codes = append(codes, resp.StatusCode)
		}
		if codes[0] != 200 || codes[1] != 429 {
			t.Errorf("%v: statuses %v, want 200 then 429", env, codes)
		}
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	}
}

// nopAnswerer stands in for the bot where only an adapter's New is tested.
type nopAnswerer struct{}

func (nopAnswerer) Ask(context.Context, newsbot.Request, newsbot.Stream) (newsbot.Answer, error) {
	return newsbot.Answer{}, nil
}
