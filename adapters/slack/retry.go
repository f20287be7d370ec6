package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	slackgo "github.com/slack-go/slack"
)

// Rate-limit retries. slack-go turns a 429 with Retry-After into
// *slack.RateLimitedError and does not retry unless told to; call waits as
// asked and tries again, a bounded number of times.
const (
	maxRateRetries = 3
	// maxRetryAfter is the longest wait call accepts; Slack asking for
	// more means the answer would come too late to matter.
	maxRetryAfter = time.Minute
)

// call runs one Web API call, named step ("chat.postMessage"), retrying it
// after the wait a 429 asks for. Its error names the step; an error for a
// refused token wraps ErrFatalAuth and is also handed to Run, which stops.
func (a *Adapter) call(ctx context.Context, step string, f func(ctx context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := f(ctx)
		if err == nil {
			return nil
		}
		var rl *slackgo.RateLimitedError
		if errors.As(err, &rl) && attempt < maxRateRetries && rl.RetryAfter <= maxRetryAfter {
			wait := max(rl.RetryAfter, 100*time.Millisecond)
			a.log.Info("slack: rate limited; retrying", "step", step, "retry_after", wait)
			a.event("rate_limited")
			if err := sleepCtx(ctx, wait); err != nil {
				return fmt.Errorf("%s: waiting out a rate limit: %w", step, err)
			}
			continue
		}
		if code, ok := fatalCode(err); ok {
			ferr := fmt.Errorf("%s: %w (%s)", step, ErrFatalAuth, code)
			a.reportFatal(fmt.Errorf("slack: %w", ferr))
			return ferr
		}
		return fmt.Errorf("%s: %w", step, err)
	}
}
