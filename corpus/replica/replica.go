// Package replica makes corpora of any size from a real one, for scale
// benchmarks: the articles are copied again and again with new ids, their
// paragraphs shuffled and some of their words swapped with the next or
// given a suffix of their copy, so that the vocabulary grows with the size
// as a real archive's does, rather than repeating. The same source, size
// and seed give the same corpus, byte for byte.
package replica

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/segment"
)

// Options say how words are changed; the zero value is the default.
type Options struct {
	// Seed chooses the corpus; 0 means 1.
	Seed uint64
	// Swap is the chance that a word swaps places with the next; 0 means
	// 0.05.
	Swap float64
	// Suffix is the chance that a word is given the suffix of its copy
	// (copy 7 turns "cocoa" into "cocoaq7"); 0 means 0.05.
	Suffix float64
	// FileBytes bounds one output file; 0 means 256 MiB.
	FileBytes int64
}

// Written is what Write made.
type Written struct {
	Files     []string
	Articles  int
	Sentences int // as segment.Sentences splits the bodies
	Bytes     int64
}

// record is one line of the articles format (see ../shared/eval).
type record struct {
	ID        string `json:"id"`
	Title     string `json:"title,omitempty"`
	Source    string `json:"source,omitempty"`
	URL       string `json:"url,omitempty"`
	Published string `json:"published,omitempty"`
	Body      string `json:"body"`
}

// Write writes, into dir, JSON Lines files of articles made from src until
// they hold at least sentences sentences.
func Write(dir string, src []corpus.Article, sentences int, o Options) (Written, error) {
	var w Written
	if len(src) == 0 {
		return w, fmt.Errorf("replica: no source articles")
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Swap == 0 {
		o.Swap = 0.05
	}
	if o.Suffix == 0 {
		o.Suffix = 0.05
	}
	if o.FileBytes == 0 {
		o.FileBytes = 256 << 20
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return w, err
	}
	var f *os.File
	var bw *bufio.Writer
	var fileBytes int64
	closeFile := func() error {
		if f == nil {
			return nil
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		err := f.Close()
		f = nil
		return err
	}
	order := make([]int, len(src))
	for c := 0; w.Sentences < sentences; c++ {
		rng := rand.New(rand.NewPCG(o.Seed, uint64(c)))
		for i := range order {
			order[i] = i
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			if w.Sentences >= sentences {
				break
			}
			a := &src[i]
			body := perturb(rng, a.Body, c, o)
			if strings.TrimSpace(body) == "" {
				continue
			}
			r := record{ID: a.ID + "-c" + strconv.Itoa(c), Title: a.Title, Source: a.Outlet, URL: a.URL, Body: body}
			if !a.Published.IsZero() {
				r.Published = a.Published.Format(time.RFC3339)
			}
			line, err := json.Marshal(r)
			if err != nil {
				return w, err
			}
			if f == nil || fileBytes+int64(len(line))+1 > o.FileBytes {
				if err := closeFile(); err != nil {
					return w, err
				}
				name := filepath.Join(dir, fmt.Sprintf("part-%04d.jsonl", len(w.Files)))
				if f, err = os.Create(name); err != nil {
					return w, err
				}
				bw = bufio.NewWriterSize(f, 1<<20)
				fileBytes = 0
				w.Files = append(w.Files, name)
			}
			bw.Write(line)
			bw.WriteByte('\n')
			fileBytes += int64(len(line)) + 1
			w.Bytes += int64(len(line)) + 1
			w.Articles++
			w.Sentences += len(segment.Sentences(body))
		}
	}
	return w, closeFile()
}

// perturb is a body for copy c: its paragraphs shuffled (copy 0 keeps
// their order), words swapped and suffixed.
func perturb(rng *rand.Rand, body string, c int, o Options) string {
	paras := strings.Split(body, "\n\n")
	if c > 0 {
		rng.Shuffle(len(paras), func(i, j int) { paras[i], paras[j] = paras[j], paras[i] })
	}
	suffix := "q" + strconv.Itoa(c)
	for p, para := range paras {
		words := strings.Split(para, " ")
		for i := range words {
			if c > 0 && i+1 < len(words) && rng.Float64() < o.Swap {
				words[i], words[i+1] = words[i+1], words[i]
			}
			if c > 0 && rng.Float64() < o.Suffix && isPlainWord(words[i]) {
				words[i] += suffix
			}
		}
		paras[p] = strings.Join(words, " ")
	}
	return strings.Join(paras, "\n\n")
}

// isPlainWord reports a word of ASCII letters only, so that a suffix makes
// a new term and never splits a number or an abbreviation.
func isPlainWord(w string) bool {
	if len(w) < 3 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}
