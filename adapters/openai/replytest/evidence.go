package replytest

import (
	"bufio"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus/segment"
)

// Article is one article of testdata/articles.txt.
type Article struct {
	ID, Outlet, Title, URL string
	Published              time.Time
	Body                   string
	// Attributions are the article's attribution relations, as an
	// extractor gives them: who the article quotes or reports, where.
	Attributions []newsbot.Attribution
}

// Articles returns the articles the corpus's replies are checked against.
func Articles() []Article {
	return loaded().articles
}

// ArticleByID returns the article with the given id.
func ArticleByID(id string) (Article, bool) {
	for _, a := range loaded().articles {
		if a.ID == id {
			return a, true
		}
	}
	return Article{}, false
}

// Evidence returns the evidence the model is given for a question of the
// corpus, in the order the prompt numbers it; nil for another question.
func Evidence(question string) []newsbot.Evidence {
	return evidenceSets()[question]
}

// Retriever answers every question of the corpus with its evidence, and
// any other question with nothing.
type Retriever struct{}

// Retrieve implements newsbot.Retriever.
func (Retriever) Retrieve(ctx context.Context, question string, k int) ([]newsbot.Evidence, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ev := Evidence(question)
	return ev[:min(k, len(ev))], nil
}

type corpus struct {
	articles []Article
	sets     map[string][]newsbot.Evidence
}

var loaded = sync.OnceValue(func() corpus {
	c, err := load()
	if err != nil {
		panic("replytest: " + err.Error()) // the embedded test data is broken
	}
	return c
})

func evidenceSets() map[string][]newsbot.Evidence { return loaded().sets }

func load() (corpus, error) {
	var c corpus
	b, err := files.ReadFile("testdata/articles.txt")
	if err != nil {
		return c, err
	}
	var cur *Article
	inBody, inAttr := false, false
	var body []string
	end := func() {
		if cur != nil {
			cur.Body = strings.Trim(strings.Join(body, "\n"), "\n")
		}
		body, inBody = nil, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "=== "):
			if !inAttr {
				end()
			}
			inAttr = false
			c.articles = append(c.articles, Article{ID: strings.TrimSpace(line[4:])})
			cur = &c.articles[len(c.articles)-1]
		case cur == nil:
		case line == "--- attributions":
			end()
			inAttr = true
		case inAttr:
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			a, err := parseAttribution(cur.Body, line)
			if err != nil {
				return c, fmt.Errorf("articles: %s: %w", cur.ID, err)
			}
			cur.Attributions = append(cur.Attributions, a)
		case inBody:
			body = append(body, line)
		case line == "--- body":
			inBody = true
		default:
			k, v, _ := strings.Cut(line, ":")
			v = strings.TrimSpace(v)
			switch k {
			case "outlet":
				cur.Outlet = v
			case "title":
				cur.Title = v
			case "url":
				cur.URL = v
			case "date":
				if v != "" {
					if cur.Published, err = time.Parse("2006-01-02", v); err != nil {
						return c, fmt.Errorf("articles: %s: %w", cur.ID, err)
					}
				}
			}
		}
	}
	if !inAttr {
		end()
	}

	b, err = files.ReadFile("testdata/evidence.txt")
	if err != nil {
		return c, err
	}
	c.sets = map[string][]newsbot.Evidence{}
	var q string
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "=== "):
			q = strings.TrimSpace(line[4:])
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
		default:
			id, sub, ok := strings.Cut(line, ":")
			if !ok || q == "" {
				return c, fmt.Errorf("evidence: bad line %q", line)
			}
			e, err := c.sentence(strings.TrimSpace(id), strings.TrimSpace(sub))
			if err != nil {
				return c, fmt.Errorf("evidence for %q: %w", q, err)
			}
			e.Relevance = newsbot.Relevance{Score: float64(100 - len(c.sets[q])), Coverage: 0.8, Own: 0.8}
			c.sets[q] = append(c.sets[q], e)
		}
	}
	return c, nil
}

// sentence finds the sentence of article id that contains sub.
func (c corpus) sentence(id, sub string) (newsbot.Evidence, error) {
	var art *Article
	for i := range c.articles {
		if c.articles[i].ID == id {
			art = &c.articles[i]
		}
	}
	if art == nil {
		return newsbot.Evidence{}, fmt.Errorf("no article %q", id)
	}
	spans := splitSentences(art.Body)
	for i, sp := range spans {
		s := art.Body[sp.Start:sp.End]
		if !strings.Contains(s, sub) {
			continue
		}
		e := newsbot.Evidence{
			ArticleID: art.ID, Start: sp.Start, End: sp.End, Sentence: s,
			Paragraph: sp.Paragraph + 1, Index: i + 1,
			Outlet: art.Outlet, Title: art.Title, URL: art.URL, Published: art.Published,
		}
		if i > 0 && leans(s) {
			e.Before = art.Body[spans[i-1].Start:spans[i-1].End]
		}
		for _, a := range art.Attributions {
			if min(a.End, e.End) > max(a.Start, e.Start) {
				e.Attributions = append(e.Attributions, a)
			}
		}
		return e, nil
	}
	return newsbot.Evidence{}, fmt.Errorf("article %q has no sentence containing %q", id, sub)
}

// parseAttribution reads one line of an article's attributions:
// "speaker | cue | direct or reported | the content, a substring of the
// body" (white space aside). The source as written is the speaker; the
// content's byte range is where the substring is.
func parseAttribution(body, line string) (newsbot.Attribution, error) {
	f := strings.Split(line, "|")
	if len(f) != 4 {
		return newsbot.Attribution{}, fmt.Errorf("attribution %q: want speaker | cue | direct or reported | content", line)
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	kind := f[2]
	if kind != "direct" && kind != "reported" {
		return newsbot.Attribution{}, fmt.Errorf("attribution %q: %q is neither direct nor reported", line, kind)
	}
	// The body's white space (non-breaking spaces, line breaks) is any
	// white space in the line.
	words := strings.Fields(f[3])
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	at := regexp.MustCompile(strings.Join(words, `[\s\x{00a0}]+`)).FindAllStringIndex(body, -1)
	if len(words) == 0 || len(at) != 1 {
		return newsbot.Attribution{}, fmt.Errorf("attribution %q: the content is not once in the body", line)
	}
	return newsbot.Attribution{Speaker: f[0], Source: f[0], Cue: f[1], Start: at[0][0], End: at[0][1], Direct: kind == "direct"}, nil
}

// splitSentences is segment.Sentences, with CJK sentence ends.
func splitSentences(body string) []segment.Span {
	var out []segment.Span
	for _, sp := range segment.Sentences(body) {
		start := sp.Start
		for i := sp.Start; i < sp.End; {
			r := []rune(body[i:min(i+4, sp.End)])
			size := len(string(r[0]))
			i += size
			if r[0] == '。' || r[0] == '！' || r[0] == '？' {
				for i < sp.End && strings.HasPrefix(body[i:], "”") {
					i += len("”")
				}
				out = append(out, segment.Span{Start: start, End: i, Paragraph: sp.Paragraph})
				start = i
			}
		}
		if start < sp.End {
			out = append(out, segment.Span{Start: start, End: sp.End, Paragraph: sp.Paragraph})
		}
	}
	return out
}

// leans reports a sentence that leans on the one before it: it opens with
// a quotation, a pronoun or a connective, or attributes with "he said".
func leans(s string) bool {
	low := strings.ToLower(s)
	for _, p := range []string{"“", "\"", "he ", "she ", "they ", "it ", "but ", "他"} {
		if strings.HasPrefix(low, p) {
			return true
		}
	}
	for _, p := range []string{" he said", " she said", " they said", " he added", " she added"} {
		if strings.Contains(low, p) {
			return true
		}
	}
	return false
}
