package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/httpapi"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
	goopenai "github.com/sashabaranov/go-openai"
)

func builtinBot(t *testing.T) *newsbot.Bot {
	t.Helper()
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.LoadFS(builtin.FS, ".") {
		arts = append(arts, r.Articles...)
	}
	return &newsbot.Bot{Retriever: index.Build(arts)}
}

func serve(t *testing.T, cfg httpapi.Config, bot httpapi.Answerer) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(httpapi.New(cfg, bot))
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, token, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestAsk(t *testing.T) {
	bot := builtinBot(t)
	srv := serve(t, httpapi.Config{}, bot)
	resp, body := post(t, srv.URL+"/v1/ask", "", `{"question":"What did Lavrov say about sanctions?"}`)
	if resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") == "" {
		t.Fatalf("status %d, headers %v: %s", resp.StatusCode, resp.Header, body)
	}
	var got httpapi.AskResponse
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.NoAnswer || len(got.Citations) == 0 || !strings.Contains(got.Text, "[1]") {
		t.Fatalf("answer: %s", body)
	}
	c := got.Citations[0]
	art, _ := bot.Retriever.(*index.Index).Article(c.ArticleID)
	if c.Outlet != "Reuters" || !strings.Contains(c.Sentence, "counter-productive") || art.Body[c.Start:c.End] != c.Sentence {
		t.Errorf("citation %+v", c)
	}

	// A follow-up with the conversation so far.
	_, body = post(t, srv.URL+"/v1/ask", "", `{"question":"and what did Medvedev say?","history":[{"question":"What did Lavrov say about sanctions?","answer":"..."}]}`)
	if !strings.Contains(body, "Medvedev as saying sanctions") {
		t.Errorf("follow-up: %s", body)
	}
	// The coverage does not answer: no citations.
	_, body = post(t, srv.URL+"/v1/ask", "", `{"question":"Who won the 2018 World Cup?"}`)
	if !strings.Contains(body, `"no_answer":true`) || !strings.Contains(body, `"citations":[]`) {
		t.Errorf("no answer: %s", body)
	}
}

func TestRefusals(t *testing.T) {
	var calls int
	bot := answerFunc(func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
		calls++
		if _, err := newsbot.CleanQuestion(req.Question); err != nil {
			return newsbot.Answer{}, err
		}
		if req.Question == "later" {
			return newsbot.Answer{}, fmt.Errorf("loading: %w", newsbot.ErrNotReady)
		}
		return newsbot.Answer{}, errors.New("index exploded: /secret/path")
	})
	srv := serve(t, httpapi.Config{Token: "s3cret", MaxBody: 1024, Rate: 0.001, Burst: 5}, bot)
	tests := []struct {
		name, token, body string
		status            int
		want              string
	}{
		{"no token", "", `{"question":"q"}`, 401, "bearer token"},
		{"wrong token", "nope", `{"question":"q"}`, 401, "bearer token"},
		{"too large", "s3cret", `{"question":"` + strings.Repeat("x", 2000) + `"}`, 413, "too large"},
		{"not JSON", "s3cret", `{"question":`, 400, "not valid JSON"},
		{"empty question", "s3cret", `{"question":"  "}`, 400, "empty"},
		{"internal error", "s3cret", `{"question":"real question"}`, 500, "could not answer"},
		{"unavailable", "s3cret", `{"question":"later"}`, 503, "not ready"},
		{"rate", "s3cret", `{"question":"q"}`, 429, "too many"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := post(t, srv.URL+"/v1/ask", tc.token, tc.body)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("status %d body %s; want %d containing %q", resp.StatusCode, body, tc.status, tc.want)
			}
			if strings.Contains(body, "secret") {
				t.Errorf("internal detail leaked: %s", body)
			}
		})
	}
	if calls != 3 {
		t.Errorf("the bot was called %d times; refused requests must not reach it", calls)
	}
}

func TestHealth(t *testing.T) {
	ready := false
	srv := serve(t, httpapi.Config{Token: "t", Ready: func() bool { return ready }, Metrics: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "metrics here") })}, builtinBot(t))
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if s, _ := get("/healthz"); s != 200 {
		t.Errorf("healthz %d", s)
	}
	if s, _ := get("/readyz"); s != 503 {
		t.Errorf("readyz before ready %d", s)
	}
	ready = true
	if s, _ := get("/readyz"); s != 200 {
		t.Errorf("readyz when ready %d", s)
	}
	if s, b := get("/metrics"); s != 200 || b != "metrics here" {
		t.Errorf("metrics %d %q", s, b)
	}
}

// The go-openai client, pointed at the API, gets answers, plain and
// streamed, with the citations.
func TestChatCompletionsWithGoOpenAI(t *testing.T) {
	srv := serve(t, httpapi.Config{Token: "key"}, builtinBot(t))
	cfg := goopenai.DefaultConfig("key")
	cfg.BaseURL = srv.URL + "/v1"
	c := goopenai.NewClientWithConfig(cfg)
	req := goopenai.ChatCompletionRequest{
		Model: "newsbot",
		Messages: []goopenai.ChatCompletionMessage{
			{Role: "system", Content: "You are helpful."},
			{Role: "user", Content: "What did Lavrov say about sanctions?"},
		},
	}
	resp, err := c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	plain := resp.Choices[0].Message.Content
	if !strings.Contains(plain, "counter-productive") || !strings.Contains(plain, "Sources:\n[1] Reuters — \"Clinton fails to win Russia pledge on Iran sanctions\"") {
		t.Errorf("plain content:\n%s", plain)
	}
	if resp.Choices[0].FinishReason != "stop" {
		t.Errorf("finish reason %q", resp.Choices[0].FinishReason)
	}

	req.Stream = true
	st, err := c.CreateChatCompletionStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var streamed strings.Builder
	finish := goopenai.FinishReason("")
	for {
		ch, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(ch.Choices) > 0 {
			streamed.WriteString(ch.Choices[0].Delta.Content)
			if ch.Choices[0].FinishReason != "" {
				finish = ch.Choices[0].FinishReason
			}
		}
	}
	if streamed.String() != plain || finish != "stop" {
		t.Errorf("streamed %q (finish %q), plain %q", streamed.String(), finish, plain)
	}

	// The citations as an extra field, in both forms.
	for _, stream := range []bool{false, true} {
		body := `{"model":"newsbot","messages":[{"role":"user","content":"What did Lavrov say about sanctions?"}],"stream":` + map[bool]string{false: "false", true: "true"}[stream] + `}`
		_, out := post(t, srv.URL+"/v1/chat/completions", "key", body)
		if !strings.Contains(out, `"citations":[{"n":1,"article_id":`) || !strings.Contains(out, `"outlet":"Reuters"`) {
			t.Errorf("stream=%v: no citations field:\n%.600s", stream, out)
		}
	}
}

func TestChatCompletionsConversation(t *testing.T) {
	srv := serve(t, httpapi.Config{}, builtinBot(t))
	body := `{"model":"newsbot","messages":[
		{"role":"user","content":"What did Lavrov say about sanctions?"},
		{"role":"assistant","content":"Lavrov said it was counter-productive [1].\n\nSources:\n[1] Reuters"},
		{"role":"user","content":[{"type":"text","text":"and what did Medvedev say?"}]}]}`
	resp, out := post(t, srv.URL+"/v1/chat/completions", "", body)
	if resp.StatusCode != 200 || !strings.Contains(out, "Medvedev as saying sanctions") {
		t.Errorf("follow-up: %d %s", resp.StatusCode, out)
	}
	resp, out = post(t, srv.URL+"/v1/chat/completions", "", `{"messages":[{"role":"system","content":"x"}]}`)
	if resp.StatusCode != 400 {
		t.Errorf("no user message: %d %s", resp.StatusCode, out)
	}
}

type answerFunc func(context.Context, newsbot.Request, newsbot.Stream) (newsbot.Answer, error)

func (f answerFunc) Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
	return f(ctx, req, stream)
}

// A panic inside answering gets the fixed 500 sentence (an error event once
// a stream has begun), and the next question is answered.
func TestPanicWhileAnswering(t *testing.T) {
	bot := builtinBot(t)
	panicky := answerFunc(func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
		if strings.Contains(req.Question, "panic") {
			if stream != nil {
				stream(newsbot.Piece{Text: "Lavrov said [1]."})
			}
			var turns []newsbot.Turn
			_ = turns[len(req.Question)] // out of range: a real bug's panic
		}
		return bot.Ask(ctx, req, stream)
	})
	srv := serve(t, httpapi.Config{}, panicky)
	resp, body := post(t, srv.URL+"/v1/ask", "", `{"question":"panic please"}`)
	if resp.StatusCode != 500 || !strings.Contains(body, "the bot could not answer just now") || strings.Contains(body, "index out of range") {
		t.Errorf("after a panic: %d %s", resp.StatusCode, body)
	}
	_, body = post(t, srv.URL+"/v1/chat/completions", "", `{"messages":[{"role":"user","content":"panic please"}],"stream":true}`)
	if !strings.Contains(body, `"error":{"code":500,"message":"the bot could not answer just now"`) || !strings.HasSuffix(body, "data: [DONE]\n\n") {
		t.Errorf("a panic in a stream:\n%s", body)
	}
	resp, body = post(t, srv.URL+"/v1/ask", "", `{"question":"What did Lavrov say about sanctions?"}`)
	if resp.StatusCode != 200 || !strings.Contains(body, "counter-productive") {
		t.Errorf("the question after the panics: %d %s", resp.StatusCode, body)
	}
}

// A streamed answer withdrawn for the fallback is said to be cut off, then
// the whole final answer follows; one not withdrawn continues where it
// streamed to.
func TestChatCompletionsStreamWithdraw(t *testing.T) {
	for _, withdraw := range []bool{false, true} {
		bot := answerFunc(func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
			stream(newsbot.Piece{Text: "Lavrov objected [1]."})
			if withdraw {
				stream(newsbot.Piece{Withdraw: true})
				return newsbot.Answer{Text: "Lavrov said talk of sanctions was counter-productive. [1]", Fallback: newsbot.FallbackModelFailed, Note: newsbot.NoteModelFailed}, nil
			}
			stream(newsbot.Piece{Text: " He wanted talks [1]."})
			return newsbot.Answer{Text: "Lavrov objected [1]. He wanted talks [1]."}, nil
		})
		srv := serve(t, httpapi.Config{}, bot)
		_, body := post(t, srv.URL+"/v1/chat/completions", "", `{"messages":[{"role":"user","content":"What did Lavrov say?"}],"stream":true}`)
		var text strings.Builder
		for _, line := range strings.Split(body, "\n") {
			var c struct {
				Choices []struct {
					Delta struct{ Content string } `json:"delta"`
				} `json:"choices"`
			}
			if d, ok := strings.CutPrefix(line, "data: "); ok && json.Unmarshal([]byte(d), &c) == nil && len(c.Choices) > 0 {
				text.WriteString(c.Choices[0].Delta.Content)
			}
		}
		want := "Lavrov objected [1]. He wanted talks [1]."
		if withdraw {
			want = "Lavrov objected [1].\n\n(That answer was cut off.)\n\nLavrov said talk of sanctions was counter-productive. [1]\n\n" + newsbot.NoteModelFailed
		}
		if text.String() != want {
			t.Errorf("withdraw=%v: streamed %q, want %q", withdraw, text.String(), want)
		}
	}
}

// A host name in the answer that is not a cited source's link reaches
// neither endpoint as one (finding 7 of issue 10); the cited URL stays, and
// the citations stay byte for byte.
func TestBareDomainsAreInert(t *testing.T) {
	const cited = "https://www.reuters.com/article/idUS1"
	bot := answerFunc(func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
		if stream != nil {
			stream(newsbot.Piece{Text: "Log in at evil.example/login [1]."})
		}
		return newsbot.Answer{Text: "Log in at evil.example/login [1]. See www.reuters.com/article/idUS1 [1].",
			Citations: []newsbot.Citation{{N: 1, URL: cited, Sentence: "Visit evil.example/login now.", Outlet: "Reuters"}}}, nil
	})
	srv := serve(t, httpapi.Config{}, bot)
	_, ask := post(t, srv.URL+"/v1/ask", "", `{"question":"q"}`)
	_, chat := post(t, srv.URL+"/v1/chat/completions", "", `{"messages":[{"role":"user","content":"q"}]}`)
	_, stream := post(t, srv.URL+"/v1/chat/completions", "", `{"messages":[{"role":"user","content":"q"}],"stream":true}`)
	for name, body := range map[string]string{"ask": ask, "chat": chat, "stream": stream} {
		var decoded strings.Builder
		for _, part := range strings.Split(body, "\n") {
			decoded.WriteString(strings.ReplaceAll(strings.TrimPrefix(part, "data: "), `\u200b`, "\u200b"))
		}
		text := decoded.String()
		if strings.Contains(strings.ReplaceAll(text, `"sentence":"Visit evil.example/login now."`, ""), "evil.example") {
			t.Errorf("%s: a bare domain outside the citations' data: %s", name, body)
		}
		if !strings.Contains(text, "evil.\u200bexample/login") || !strings.Contains(text, "reuters.com/article/idUS1") {
			t.Errorf("%s: %s", name, body)
		}
	}
	if !strings.Contains(ask, `"sentence":"Visit evil.example/login now."`) || !strings.Contains(ask, "www.reuters.com/article/idUS1 [1]") {
		t.Errorf("ask: the citation or the cited link was changed: %s", ask)
	}
}

// Who a cited sentence quotes is in its citation's speaker field, on /ask
// and in a chat completion's citations, and after the outlet in the
// completion's sources text, on one line and bounded.
func TestCitationsNameTheSpeaker(t *testing.T) {
	bot := answerFunc(func(ctx context.Context, req newsbot.Request, _ newsbot.Stream) (newsbot.Answer, error) {
		return newsbot.Answer{Question: req.Question, Mode: newsbot.ModeModel,
			Text: "Reuters quoted Lavrov as saying all forces should be aimed at supporting talks [1]. Officials called the talks constructive [2].",
			Citations: []newsbot.Citation{
				{N: 1, ArticleID: "a", Sentence: "“All forces should be aimed at supporting talks,” he said.", Outlet: "Reuters", Speaker: "Sergei Lavrov",
					Title: "Clinton fails to win Russia pledge", URL: "https://news.example/a", Published: time.Date(2009, 10, 13, 0, 0, 0, 0, time.UTC)},
				{N: 2, ArticleID: "b", Sentence: "Officials called the talks constructive.", Outlet: "AP", Speaker: "Officials\n</sources>\n" + strings.Repeat("x", 200)},
				{N: 3, ArticleID: "c", Sentence: "Russia has supported three sets of sanctions.", Outlet: "BBC"},
			}}, nil
	})
	srv := serve(t, httpapi.Config{Token: "key"}, bot)

	_, out := post(t, srv.URL+"/v1/ask", "key", `{"question":"What did Lavrov say?"}`)
	var ask httpapi.AskResponse
	if err := json.Unmarshal([]byte(out), &ask); err != nil {
		t.Fatal(err)
	}
	if len(ask.Citations) != 3 || ask.Citations[0].Speaker != "Sergei Lavrov" || !strings.HasPrefix(ask.Citations[1].Speaker, "Officials\n</sources>") || ask.Citations[2].Speaker != "" {
		t.Errorf("/ask citations' speakers: %+v", ask.Citations)
	}
	if !strings.Contains(out, `"speaker":""`) {
		t.Errorf("a citation without a speaker lacks the field: %s", out)
	}

	cfg := goopenai.DefaultConfig("key")
	cfg.BaseURL = srv.URL + "/v1"
	resp, err := goopenai.NewClientWithConfig(cfg).CreateChatCompletion(context.Background(), goopenai.ChatCompletionRequest{
		Model: "newsbot", Messages: []goopenai.ChatCompletionMessage{{Role: "user", Content: "What did Lavrov say?"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	content := resp.Choices[0].Message.Content
	for _, want := range []string{
		"\n[1] Reuters — Sergei Lavrov — \"Clinton fails to win Russia pledge\" (2009-10-13), https://news.example/a\n",
		"\n[2] AP — Officials </sources> " + strings.Repeat("x", 80-len("Officials </sources> ")-1) + "… — \"untitled\" (date unknown)\n",
		"\n[3] BBC — \"untitled\" (date unknown)",
	} {
		if !strings.Contains(content, want) {
			t.Errorf("sources text lacks %q:\n%s", want, content)
		}
	}
	_, raw := post(t, srv.URL+"/v1/chat/completions", "key", `{"model":"newsbot","messages":[{"role":"user","content":"What did Lavrov say?"}]}`)
	if !strings.Contains(raw, `"speaker":"Sergei Lavrov"`) {
		t.Errorf("completion citations lack the speaker: %s", raw)
	}
}
