package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot/corpus/attribution"
)

const attributionsUsage = `Usage: bot [flags] attributions --jsonl

Finds who said what in articles: reads one article per line on standard input,
  {"id", "title", "source", "url", "published", "author", "body"}
(the format of shared/eval and of "bot export"), and writes one line per
article:
  {"article": ID, "attributions": [{"source": [SPAN], "cue": [SPAN],
   "content": [SPAN], "speaker": SPAN}, ...]}
each SPAN {"start", "end", "text"} a byte range of the article's UTF-8 body
(body[start:end] == text). A role may have several spans (a quotation broken
by its cue) or none (a content whose source is not given). "speaker" is the
mention that names the source: the source itself, or for a pronoun the name it
stands for earlier in the article; it is left out when there is none.

What is found: quotations, mixed quotations and reported speech ("X said
that ...", "..., X said", "according to X", "X told Reuters"), see the package
doc of corpus/attribution. A line that cannot be read gets
{"article": ID or null, "line": N, "error": "...", "attributions": []}, the
other lines are still done, and the command then exits non-zero.
`

// jsonSpan is a span in `bot attributions` output.
type jsonSpan struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// jsonAttribution is one attribution in `bot attributions` output.
type jsonAttribution struct {
	Source  []jsonSpan `json:"source"`
	Cue     []jsonSpan `json:"cue"`
	Content []jsonSpan `json:"content"`
	Speaker *jsonSpan  `json:"speaker,omitempty"`
}

func (e *environ) attributions(ctx context.Context, args []string) error {
	fs := e.flags("attributions", attributionsUsage)
	jsonl := fs.Bool("jsonl", false, "read articles as JSON Lines on stdin, write their attributions as JSON Lines (required)")
	if done, err := e.parse(fs, args); done {
		return err
	}
	if !*jsonl {
		return errors.New("attributions needs --jsonl (it reads articles as JSON Lines on standard input)")
	}
	if fs.NArg() > 0 {
		return errors.New("attributions --jsonl reads its articles from standard input, not its arguments")
	}
	in := bufio.NewReaderSize(e.stdin, 1<<20)
	out := bufio.NewWriterSize(e.stdout, 1<<16)
	defer out.Flush()
	bad := 0
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := in.ReadBytes('\n')
		if len(trimSpace(b)) > 0 {
			var art struct {
				ID   *string `json:"id"`
				Body *string `json:"body"`
			}
			var resp struct {
				Article      *string           `json:"article"`
				Line         int               `json:"line,omitempty"`
				Error        string            `json:"error,omitempty"`
				Attributions []jsonAttribution `json:"attributions"`
			}
			resp.Attributions = []jsonAttribution{}
			switch jerr := json.Unmarshal(b, &art); {
			case jerr != nil:
				resp.Error = fmt.Sprintf("line %d: invalid JSON: %v", line, jerr)
			case art.ID == nil || *art.ID == "":
				resp.Error = fmt.Sprintf("line %d: the article has no \"id\"", line)
			case art.Body == nil:
				resp.Article, resp.Error = art.ID, fmt.Sprintf("line %d: article %q has no \"body\"", line, *art.ID)
			default:
				resp.Article = art.ID
				body := *art.Body
				for _, a := range attribution.Extract(body) {
					ja := jsonAttribution{Source: spans(body, a.Source), Cue: spans(body, a.Cue), Content: spans(body, a.Content)}
					if a.Speaker != (attribution.Span{}) {
						s := spans(body, []attribution.Span{a.Speaker})[0]
						ja.Speaker = &s
					}
					resp.Attributions = append(resp.Attributions, ja)
				}
			}
			if resp.Error != "" {
				resp.Line = line
				bad++
				e.log.Warn("attributions: skipped a line", "line", line, "error", resp.Error)
			}
			if err := encodeJSONLine(out, resp); err != nil {
				return fmt.Errorf("attributions: write: %w", err)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("attributions: read articles: %w", err)
		}
	}
	if bad > 0 {
		return fmt.Errorf("attributions: %d input line(s) could not be read (their output lines say why)", bad)
	}
	return nil
}

// spans converts spans of body for output; never nil, so that a role with
// no span is [] rather than null.
func spans(body string, ss []attribution.Span) []jsonSpan {
	out := make([]jsonSpan, 0, len(ss))
	for _, s := range ss {
		t := body[s.Start:s.End]
		if !utf8.ValidString(t) {
			t = string([]rune(t)) // invalid bytes as U+FFFD; start and end stay the body's
		}
		out = append(out, jsonSpan{s.Start, s.End, t})
	}
	return out
}

// trimSpace returns b without leading and trailing ASCII white space.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}
