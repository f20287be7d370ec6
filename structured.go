package newsbot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// JSONModel is a Model that can also be asked for a reply constrained to
// JSON matching a schema: structured output (OpenAI's response_format
// json_schema, and the same in vLLM, llama.cpp's server and Ollama). With
// one, the bot asks for its answers as JSON, so that the sentences and the
// evidence each cites come back as data; the checking is the same.
type JSONModel interface {
	Model
	// CompleteJSON is Complete with the reply constrained to schema. An
	// error wrapping ErrNoJSON means structured output is not available
	// (not configured, or the server refused it): the bot then asks again
	// with Complete, in plain text. A server that ignores the schema and
	// answers in plain text is fine too: the reply is read as text.
	CompleteJSON(ctx context.Context, msgs []Message, schema JSONSchema, stream func(text string)) (string, error)
}

// JSONSchema is a named JSON Schema for a structured reply.
type JSONSchema struct {
	// Name names the schema (OpenAI requires one: letters, digits, _ and -).
	Name string
	// Schema is the JSON Schema, as JSON.
	Schema string
}

// ErrNoJSON is wrapped by the error a JSONModel returns when it cannot
// give a structured reply; the bot then asks for plain text.
var ErrNoJSON = errors.New("structured output not available")

// answerSchema is the structured form of an answer: its sentences, each
// with the numbers of the evidence sentences that support it; what the
// evidence does not say; and whether it does not answer at all. Every
// property is required and no other allowed, as OpenAI's strict mode
// requires.
var answerSchema = JSONSchema{Name: "news_answer", Schema: `{"type":"object","properties":{` +
	`"sentences":{"type":"array","items":{"type":"object","properties":{` +
	`"text":{"type":"string"},"sources":{"type":"array","items":{"type":"integer"}}},` +
	`"required":["text","sources"],"additionalProperties":false}},` +
	`"not_covered":{"type":"string"},"no_answer":{"type":"boolean"}},` +
	`"required":["sentences","not_covered","no_answer"],"additionalProperties":false}`}

// jsonSentence is one sentence of a structured answer.
type jsonSentence struct {
	Text    string `json:"text"`
	Sources []int  `json:"sources"`
}

// fromJSON reads a structured answer (or as much of it as has arrived) as
// the text the checker reads: each sentence followed by the markers of its
// sources, then the sentence saying what the evidence does not, or
// NO_ANSWER. ok is false when reply is not JSON: it is then read as text.
// complete is false while the answer may still grow.
func fromJSON(reply string) (text string, ok, complete bool) {
	t := strings.TrimSpace(reply)
	if f, found := strings.CutPrefix(t, "```json"); found {
		t = strings.TrimSpace(f)
	} else if f, found := strings.CutPrefix(t, "```"); found {
		t = strings.TrimSpace(f)
	}
	t = strings.TrimSpace(strings.TrimSuffix(t, "```"))
	if !strings.HasPrefix(t, "{") {
		return "", false, false
	}
	dec := json.NewDecoder(strings.NewReader(t))
	var (
		sentences  []string
		notCovered string
		noAnswer   bool
	)
	write := func() string {
		s := strings.Join(sentences, " ")
		if notCovered = strings.TrimSpace(notCovered); notCovered != "" {
			s = strings.TrimSpace(s + " " + endSentence(notCovered))
		}
		if noAnswer && len(sentences) == 0 {
			return noAnswerToken
		}
		return s
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF), false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return write(), true, false
		}
		key, _ := tok.(string)
		switch key {
		case "sentences":
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				return write(), err != nil, false
			}
			for dec.More() {
				var s jsonSentence
				if err := dec.Decode(&s); err != nil {
					return write(), true, false
				}
				if s.Text = strings.TrimSpace(s.Text); s.Text != "" {
					sentences = append(sentences, withSources(endSentence(s.Text), s.Sources))
				}
			}
			if _, err := dec.Token(); err != nil {
				return write(), true, false
			}
		case "not_covered":
			if err := dec.Decode(&notCovered); err != nil {
				notCovered = ""
				return write(), true, false
			}
		case "no_answer":
			if err := dec.Decode(&noAnswer); err != nil {
				return write(), true, false
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return write(), true, false
			}
		}
	}
	_, err := dec.Token()
	return write(), true, err == nil
}

// withSources adds to a sentence the markers of the sources it does not
// already cite in its text.
func withSources(s string, sources []int) string {
	var add []int
	have := markerRE.FindAllString(s, -1)
	for _, n := range sources {
		found := false
		for _, m := range have {
			for _, k := range markerNumbers(m) {
				found = found || k == n
			}
		}
		if !found {
			add = append(add, n)
		}
	}
	if len(add) == 0 {
		return s
	}
	return appendMarkers(s, add)
}
