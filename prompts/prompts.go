// Package prompts holds the text the bot sends to a language model: the
// rules of answering, the question with its numbered evidence, and the
// rewrite of a follow-up question. The templates are embedded in the
// binary; any of them can be replaced by a file of the same name in a
// directory given to Load.
//
// Article text, its metadata (outlet, headline, date, and who a sentence
// quotes: speaker and cue) and questions enter the templates only through
// quote, as quoted data inside delimiters, never as instructions: no field
// can end a line or close a block. Only the citable sentences are
// numbered; the sentence a numbered one leans on is shown apart, as
// context. No template has access to a secret.
package prompts

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"unicode/utf8"
)

//go:embed *.tmpl
var builtin embed.FS

// The templates, by name. A file NAME.tmpl in the directory given to Load
// replaces the built-in one.
const (
	// System is the rules of answering (the system message). Data: System.
	System = "system"
	// Answer is the question with its numbered evidence (the user
	// message). Data: Answer.
	Answer = "answer"
	// Rewrite asks for a follow-up question rewritten to stand alone.
	// Data: Rewrite.
	Rewrite = "rewrite"
)

// names lists every template.
var names = []string{System, Answer, Rewrite}

// SystemData is what the System template is given.
type SystemData struct {
	MaxSentences int    // the longest answer wanted, in sentences
	NoAnswer     string // the exact reply that means the evidence does not answer
	JSON         bool   // the answer is asked for as JSON (structured output), not text
}

// AnswerData is what the Answer template is given.
type AnswerData struct {
	Question string
	Evidence []Evidence
}

// Evidence is one numbered sentence of evidence.
type Evidence struct {
	N        int    // its marker number
	Outlet   string // "unknown outlet" when unknown
	Title    string // "untitled" when unknown
	Date     string // "date unknown" when unknown
	Context  string // the sentence before it, when it needs it (a pronoun's antecedent) and is not numbered itself; may be "": shown as context, never numbered
	Follows  int    // the number of the evidence sentence just before it in its article, when it needs that one; 0 for none
	Sentence string // verbatim
	// Speakers are who the sentence quotes or reports, from the
	// attributions extracted from its article, the main one first; none
	// when it attributes nothing (or none were extracted): then the claim
	// is the outlet's own, or its speaker is named in the sentence.
	Speakers []Speaker
}

// Speaker is one attribution of an evidence sentence: who says it, how,
// and whether the sentence quotes them directly. All of it is article
// text, shown as quoted data.
type Speaker struct {
	Name   string // the speaker as the article names them ("Sergei Lavrov", "officials")
	Cue    string // the cue as written ("said", "told reporters"); may be ""
	Direct bool   // the sentence quotes the speaker's own words
}

// RewriteData is what the Rewrite template is given.
type RewriteData struct {
	History  []Turn // earlier turns, oldest first
	Question string // the follow-up question
}

// Turn is one earlier exchange of a conversation.
type Turn struct {
	Question, Answer string
}

// Set is a loaded set of templates.
type Set struct {
	t *template.Template
}

// funcs are the template functions: quote makes any text a quoted string
// (JSON syntax; <, > and & left as they are, for the model to read: a
// delimiter cannot be closed from inside a quoted string anyway), so that
// article text cannot close a delimiter, start a line of its own, or pass
// for an instruction; hasContext tells whether a context block is needed.
var funcs = template.FuncMap{
	"quote":      quote,
	"hasContext": hasContext,
}

// hasContext reports whether any evidence sentence comes with context.
func hasContext(ev []Evidence) bool {
	for _, e := range ev {
		if e.Context != "" || e.Follows != 0 {
			return true
		}
	}
	return false
}

func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	last := 0
	for i, r := range s {
		var esc string
		invalid := r == utf8.RuneError && !strings.HasPrefix(s[i:], "\ufffd")
		switch {
		case r == '"':
			esc = `\"`
		case r == '\\':
			esc = `\\`
		case r == '\n':
			esc = `\n`
		case r == '\r':
			esc = `\r`
		case r == '\t':
			esc = `\t`
		case r < 0x20, r == '\u2028', r == '\u2029', invalid:
			// Control characters, the JavaScript line separators, and
			// invalid bytes (as U+FFFD), escaped as JSON does.
			esc = fmt.Sprintf(`\u%04x`, r)
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		_, size := utf8.DecodeRuneInString(s[i:])
		last = i + size
	}
	b.WriteString(s[last:])
	b.WriteByte('"')
	return b.String()
}

// Load returns the built-in templates, each replaced by dir/NAME.tmpl when
// that file exists. dir "" means the built-ins alone. A file in dir that
// names no template, or a template that does not parse, is an error.
func Load(dir string) (*Set, error) {
	root := template.New("prompts").Funcs(funcs).Option("missingkey=error")
	for _, name := range names {
		b, err := fs.ReadFile(builtin, name+".tmpl")
		if err != nil {
			return nil, fmt.Errorf("prompts: built-in %s: %w", name, err)
		}
		if dir != "" {
			o, err := os.ReadFile(filepath.Join(dir, name+".tmpl"))
			switch {
			case err == nil:
				b = o
			case !errors.Is(err, fs.ErrNotExist):
				return nil, fmt.Errorf("prompts: %w", err)
			}
		}
		if _, err := root.New(name).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("prompts: %s: %w", name, err)
		}
	}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("prompts: %w", err)
		}
		for _, e := range entries {
			name, ok := strings.CutSuffix(e.Name(), ".tmpl")
			if ok && root.Lookup(name) == nil {
				return nil, fmt.Errorf("prompts: %s names no template (the templates are %s)", filepath.Join(dir, e.Name()), strings.Join(names, ", "))
			}
		}
	}
	return &Set{t: root}, nil
}

// Render executes the named template with data.
func (s *Set) Render(name string, data any) (string, error) {
	t := s.t.Lookup(name)
	if t == nil {
		return "", fmt.Errorf("prompts: no template %q", name)
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("prompts: render %s: %w", name, err)
	}
	return strings.TrimSpace(b.String()), nil
}
