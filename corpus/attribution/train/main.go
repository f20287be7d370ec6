// Command train learns the attribution tagger (see corpus/attribution)
// from the hand-annotated attribution set and writes it to
// corpus/attribution/model.bin.gz, which the package embeds:
//
//	go run ./corpus/attribution/train [-shared ../shared] [-folds 5] [-cv-out cv.jsonl]
//
// It first measures the tagger by k-fold cross-validation by article
// (train on k-1 folds, extract on the held fold, score the concatenation
// as ../shared/eval/score_attribution.py does), then trains on every
// article, writes the model and scores it on the same articles (the
// train-on-all figure, an upper bound). With -folds 0 it only trains.
// Nothing is tuned on the held folds: the settings are the flags' defaults.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/newsbot-dev/newsbot/corpus/attribution"
)

func main() {
	shared := flag.String("shared", "../shared", "the shared directory holding eval/attribution")
	out := flag.String("out", "corpus/attribution/model.bin.gz", "where to write the model (empty: nowhere)")
	folds := flag.Int("folds", 5, "cross-validation folds by article (0: none)")
	cvOut := flag.String("cv-out", "", "write the cross-validated predictions here, as JSON Lines for score_attribution.py")
	var opt attribution.TrainOptions
	flag.UintVar(&opt.Bits, "bits", 0, "log2 of the feature buckets (0: the default)")
	flag.IntVar(&opt.Epochs, "epochs", 0, "training passes (0: the default)")
	flag.Parse()
	if err := run(*shared, *out, *cvOut, *folds, opt); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// article is one article of the set.
type article struct {
	ID, Body string
}

func run(shared, out, cvOut string, folds int, opt attribution.TrainOptions) error {
	dir := filepath.Join(shared, "eval", "attribution")
	arts, err := readArticles(filepath.Join(dir, "articles.jsonl.gz"))
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, "attributions.jsonl"))
	if err != nil {
		return err
	}
	gold, err := attribution.ReadSet(f)
	f.Close()
	if err != nil {
		return err
	}
	bodies := map[string]string{}
	for _, a := range arts {
		bodies[a.ID] = a.Body
	}
	if folds > 1 {
		pred := make(map[string][]attribution.Attribution)
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, 2)
		for k := 0; k < folds; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				var train []attribution.Example
				for _, a := range arts {
					if fold(a.ID, folds) != k {
						train = append(train, attribution.Example{Body: a.Body, Gold: gold[a.ID]})
					}
				}
				m := attribution.Train(train, opt)
				sn, cn := m.OperatingPoint()
				fmt.Printf("fold %d: none offsets %g (source), %g (cue)\n", k, sn, cn)
				for _, a := range arts {
					if fold(a.ID, folds) == k {
						as := m.Extract(a.Body)
						mu.Lock()
						pred[a.ID] = as
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		fmt.Printf("%d-fold cross-validation by article:\n%s\n", folds, attribution.Score(gold, pred, bodies))
		if cvOut != "" {
			if err := writePredictions(cvOut, arts, pred); err != nil {
				return err
			}
		}
	}
	var all []attribution.Example
	for _, a := range arts {
		all = append(all, attribution.Example{Body: a.Body, Gold: gold[a.ID]})
	}
	m := attribution.Train(all, opt)
	sn, cn := m.OperatingPoint()
	fmt.Printf("operating point: none offsets %g (source), %g (cue)\n", sn, cn)
	pred := map[string][]attribution.Attribution{}
	for _, a := range arts {
		pred[a.ID] = m.Extract(a.Body)
	}
	fmt.Printf("trained on all %d articles, scored on them:\n%s\n", len(arts), attribution.Score(gold, pred, bodies))
	if out == "" {
		return nil
	}
	w, err := os.Create(out)
	if err != nil {
		return err
	}
	if _, err := m.WriteTo(w); err != nil {
		w.Close()
		return fmt.Errorf("write %s: %w", out, err)
	}
	return w.Close()
}

// fold is the cross-validation fold of an article: by a hash of its ID, so
// that the folds do not depend on the set's order.
func fold(id string, k int) int {
	h := fnv.New32a()
	io.WriteString(h, id)
	return int(h.Sum32() % uint32(k))
}

func readArticles(path string) ([]article, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var arts []article
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var a article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		arts = append(arts, a)
	}
	return arts, sc.Err()
}

func writePredictions(path string, arts []article, pred map[string][]attribution.Attribution) error {
	type span struct {
		Start int `json:"start"`
		End   int `json:"end"`
	}
	type att struct {
		Source  []span `json:"source"`
		Cue     []span `json:"cue"`
		Content []span `json:"content"`
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	conv := func(ss []attribution.Span) []span {
		o := []span{}
		for _, s := range ss {
			o = append(o, span{s.Start, s.End})
		}
		return o
	}
	for _, a := range arts {
		as := []att{}
		for _, p := range pred[a.ID] {
			as = append(as, att{conv(p.Source), conv(p.Cue), conv(p.Content)})
		}
		if err := enc.Encode(struct {
			Article      string `json:"article"`
			Attributions []att  `json:"attributions"`
		}{a.ID, as}); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
