// Package replytest holds scripted model replies, written the way
// GPT-4o-mini, Llama 3.1, Qwen2.5 and Qwen3, Mistral and DeepSeek-R1
// distills write them, with the answer the person must see for each: the
// test corpus of the core's reply checking. The core's tests run every
// reply plain and streamed, adapters/openai's run them through go-openai
// against a local chat completions server, and cmd/bot's through `bot
// serve`.
//
// It also holds what those tests share: the evidence the replies cite (a
// Retriever that answers each question of the corpus with fixed
// evidence), and two checks that do not trust the checker: that every
// number, name and quotation of a shown sentence is in the sentences it
// cites (Unsupported), and that no reasoning is shown (Leaks).
//
// The corpus is in testdata/replies, one file per model family; its format
// is described in testdata/README.
package replytest

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
)

//go:embed testdata
var files embed.FS

// Case is one scripted reply and what the person must see for it.
type Case struct {
	// File and Name identify the case.
	File, Name string
	// Style names the model family whose way of writing the reply follows.
	Style string
	// Question is the question asked; Evidence(Question) is what the
	// model was given.
	Question string
	// Reply is the model's reply, as the server sends it in the message
	// content.
	Reply string
	// ReasoningContent is reasoning the server sends apart, in the
	// reasoning_content field (vLLM, DeepSeek's API), "" for none.
	ReasoningContent string
	// Finish is the finish reason the server gives: "stop", "length", or
	// "" for a stream that ends with [DONE] and no finish reason.
	Finish string
	// JSON is true for a structured reply (the answer schema).
	JSON bool

	// Want is the answer's text, markers renumbered; "" with NoAnswer or
	// Fallback.
	Want string
	// NoAnswer says the answer must be the plain no-answer.
	NoAnswer bool
	// Fallback is the fallback reason the answer must have
	// ("unchecked", "model_failed"), "" for none.
	Fallback string
	// Cut says the answer must carry the note that the reply was cut.
	Cut bool
	// Cites are substrings of the cited sentences, in citation order.
	Cites []string
	// Truth labels the reply's sentences: each is a substring of one
	// sentence, and whether that sentence is right (supported by the
	// evidence) or not. It is what the checker's trade-off is measured on.
	Truth []Label
}

// Label says whether a sentence of a reply is supported by the evidence.
type Label struct {
	Right bool
	Text  string
}

// Cases returns the corpus, in file order.
func Cases() ([]Case, error) {
	names, err := fs.Glob(files, "testdata/replies/*.txt")
	if err != nil {
		return nil, err
	}
	var all []Case
	seen := map[string]bool{}
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		cs, err := parseCases(path.Base(n), string(b))
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if seen[c.Name] {
				return nil, fmt.Errorf("%s: case %q defined twice", n, c.Name)
			}
			seen[c.Name] = true
			if _, ok := evidenceSets()[c.Question]; !ok {
				return nil, fmt.Errorf("%s: case %q: no evidence for the question %q", n, c.Name, c.Question)
			}
		}
		all = append(all, cs...)
	}
	return all, nil
}

// parseCases reads one corpus file: cases that start with "=== name",
// then "key: value" lines, then sections that start with "--- section".
func parseCases(file, text string) ([]Case, error) {
	var out []Case
	var cur *Case
	section := ""
	var body []string
	endSection := func() error {
		if cur == nil || section == "" {
			return nil
		}
		s := strings.Trim(strings.Join(body, "\n"), "\n")
		switch section {
		case "reply":
			cur.Reply = s
		case "reasoning_content":
			cur.ReasoningContent = s
		case "want":
			switch {
			case s == "NO_ANSWER":
				cur.NoAnswer = true
			case strings.HasPrefix(s, "FALLBACK "):
				cur.Fallback = strings.TrimPrefix(s, "FALLBACK ")
			default:
				cur.Want = s
			}
		case "cites":
			for _, l := range strings.Split(s, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					cur.Cites = append(cur.Cites, l)
				}
			}
		case "truth":
			for _, l := range strings.Split(s, "\n") {
				l = strings.TrimSpace(l)
				switch {
				case l == "":
				case strings.HasPrefix(l, "+ "):
					cur.Truth = append(cur.Truth, Label{true, l[2:]})
				case strings.HasPrefix(l, "- "):
					cur.Truth = append(cur.Truth, Label{false, l[2:]})
				default:
					return fmt.Errorf("%s: %s: truth line %q is not + or -", file, cur.Name, l)
				}
			}
		default:
			return fmt.Errorf("%s: %s: unknown section %q", file, cur.Name, section)
		}
		body, section = nil, ""
		return nil
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "=== "):
			if err := endSection(); err != nil {
				return nil, err
			}
			out = append(out, Case{File: file, Name: strings.TrimSpace(line[4:]), Finish: "stop"})
			cur = &out[len(out)-1]
		case strings.HasPrefix(line, "--- "):
			if err := endSection(); err != nil {
				return nil, err
			}
			section = strings.TrimSpace(line[4:])
		case cur == nil:
			if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "#") {
				return nil, fmt.Errorf("%s: text before the first case: %q", file, line)
			}
		case section != "":
			body = append(body, line)
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				return nil, fmt.Errorf("%s: %s: %q is not key: value", file, cur.Name, line)
			}
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(k) {
			case "style":
				cur.Style = v
			case "question":
				cur.Question = v
			case "finish":
				if v == "none" {
					v = ""
				}
				cur.Finish = v
			case "format":
				cur.JSON = v == "json"
			case "note":
				cur.Cut = v == "cut"
			default:
				return nil, fmt.Errorf("%s: %s: unknown key %q", file, cur.Name, k)
			}
		}
	}
	if err := endSection(); err != nil {
		return nil, err
	}
	for _, c := range out {
		if c.Style == "" || c.Question == "" || c.Reply == "" && c.ReasoningContent == "" && !c.NoAnswer {
			return nil, fmt.Errorf("%s: %s: style, question and reply are required", file, c.Name)
		}
		if c.Want == "" && !c.NoAnswer && c.Fallback == "" {
			return nil, fmt.Errorf("%s: %s: no want", file, c.Name)
		}
	}
	return out, nil
}

// reasoningRE matches the reasoning blocks of the corpus's replies, closed
// or not.
var reasoningRE = regexp.MustCompile(`(?is)<(think|thinking|reasoning)>.*?(?:</(?:think|thinking|reasoning)>|$)|\[THINK\].*?(?:\[/THINK\]|$)`)

// orphanRE matches a reply that starts inside a reasoning block.
var orphanRE = regexp.MustCompile(`(?is)^.*?</(?:think|thinking|reasoning)>|^.*?\[/THINK\]`)

// Reasoning returns the reasoning of c's reply: its blocks, the text
// before a closing tag that has no opening one, and the reasoning sent
// apart. It is found here independently of the core's filter.
func (c Case) Reasoning() []string {
	var out []string
	r := c.Reply
	if m := orphanRE.FindString(r); m != "" && !reasoningRE.MatchString(m) {
		out = append(out, m)
		r = r[len(m):]
	}
	out = append(out, reasoningRE.FindAllString(r, -1)...)
	if c.ReasoningContent != "" {
		out = append(out, c.ReasoningContent)
	}
	return out
}

// visible is c's reply without its reasoning.
func (c Case) visible() string {
	r := c.Reply
	if m := orphanRE.FindString(r); m != "" && !reasoningRE.MatchString(m) {
		r = r[len(m):]
	}
	return reasoningRE.ReplaceAllString(r, " ")
}

// Leaks returns the pieces of c's reasoning that shown holds: runs of six
// words found in the reasoning and neither in the rest of the reply nor in
// the evidence, and the reasoning tags themselves.
func Leaks(c Case, shown string) []string {
	var leaks []string
	low := strings.ToLower(shown)
	for _, tag := range []string{"<think", "</think", "think>", "[think]", "[/think]", "<thinking", "<reasoning"} {
		if strings.Contains(low, tag) {
			leaks = append(leaks, tag)
		}
	}
	allowed := map[string]bool{}
	for _, s := range shingles(c.visible()) {
		allowed[s] = true
	}
	for _, e := range Evidence(c.Question) {
		for _, s := range shingles(e.Sentence) {
			allowed[s] = true
		}
	}
	shownSet := map[string]bool{}
	for _, s := range shingles(shown) {
		shownSet[s] = true
	}
	for _, r := range c.Reasoning() {
		for _, s := range shingles(r) {
			if shownSet[s] && !allowed[s] && !slices.Contains(leaks, s) {
				leaks = append(leaks, s)
			}
		}
	}
	return leaks
}

// shingles returns the runs of six words of s, lower case, without
// punctuation or markers.
func shingles(s string) []string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'' || r >= 0x80 && r != '“' && r != '”' && r != '’' && r != '‘' && r != '—' && r != '–' && r != '\u00a0')
	})
	var out []string
	for i := 0; i+6 <= len(words); i++ {
		out = append(out, strings.Join(words[i:i+6], " "))
	}
	return out
}
