package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	newsbot "github.com/newsbot-dev/newsbot"
)

// jsonAnswer is one line of `bot ask --jsonl` output.
type jsonAnswer struct {
	QID       any            `json:"qid"`
	NoAnswer  bool           `json:"no_answer"`
	Text      string         `json:"text"`
	Citations []jsonCitation `json:"citations"`
	Error     string         `json:"error,omitempty"`
}

// jsonCitation is one citation of a jsonAnswer: the sentence [start:end]
// of the article's UTF-8 body, as in shared/eval, and where it is from.
type jsonCitation struct {
	N         int    `json:"n"`
	Article   string `json:"article"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Text      string `json:"text"`
	Outlet    string `json:"outlet"`
	Title     string `json:"title"`
	URL       string `json:"url"`
	Published string `json:"published,omitempty"`
	// Speaker is who the sentence quotes or reports, as the article names
	// them; "" when it attributes nothing.
	Speaker string `json:"speaker"`
}

// jsonCitations are a's citations as `bot ask --jsonl` writes them.
func jsonCitations(a newsbot.Answer) []jsonCitation {
	out := []jsonCitation{}
	for _, c := range a.Citations {
		jc := jsonCitation{N: c.N, Article: c.ArticleID, Start: c.Start, End: c.End, Text: c.Sentence,
			Outlet: c.Outlet, Title: c.Title, URL: c.URL, Speaker: c.Speaker}
		if !c.Published.IsZero() {
			jc.Published = c.Published.Format(time.RFC3339)
		}
		out = append(out, jc)
	}
	return out
}

// askJSONL answers one {"qid", "question"} object per line of in, each on
// its own (no conversation), and writes one jsonAnswer per line to out. A
// line that cannot be read or a question that is refused gets an error
// line and the others are still answered.
func askJSONL(ctx context.Context, bot *newsbot.Bot, in io.Reader, out io.Writer) error {
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriter(out)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := r.ReadBytes('\n')
		if len(strings.TrimSpace(string(b))) > 0 {
			var req struct {
				QID      any    `json:"qid"`
				Question string `json:"question"`
			}
			resp := jsonAnswer{Citations: []jsonCitation{}}
			if jerr := json.Unmarshal(b, &req); jerr != nil {
				resp.Error = fmt.Sprintf("line %d: invalid JSON: %v", line, jerr)
			} else {
				resp.QID = req.QID
				a, aerr := bot.Answer(ctx, req.Question)
				switch {
				case aerr != nil && ctx.Err() != nil:
					return ctx.Err()
				case aerr != nil:
					resp.Error = fmt.Sprintf("line %d: %v", line, aerr)
				default:
					resp.NoAnswer, resp.Text, resp.Citations = a.NoAnswer, a.Text, jsonCitations(a)
				}
			}
			if err := enc.Encode(resp); err != nil {
				return err
			}
			if err := w.Flush(); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ask: read questions: %w", err)
		}
	}
}
