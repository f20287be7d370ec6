package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// runSocketMode receives events over Socket Mode until ctx ends. slack-go's
// client opens the connection (apps.connections.open, then the WebSocket),
// reconnects when Slack sends "disconnect" or stops pinging, and returns
// only when ctx ends or a token is refused.
func (a *Adapter) runSocketMode(ctx context.Context) error {
	smc := socketmode.New(a.api, socketmode.OptionReadLimit(MaxBodyBytes))
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- smc.RunContext(rctx) }()

	var runErr error
	stopped := false
	for !stopped {
		select {
		case evt := <-smc.Events:
			if err := a.socketEvent(rctx, smc, evt); err != nil {
				runErr = err
				cancel()
			}
		case err := <-a.fatal:
			runErr = err
			cancel()
		case err := <-ran:
			stopped = true
			switch code, fatal := fatalCode(err); {
			case runErr != nil:
			case fatal:
				runErr = fmt.Errorf("slack: apps.connections.open: %w (%s): check SLACK_APP_TOKEN", ErrFatalAuth, code)
			case ctx.Err() != nil:
			case err != nil:
				var sc slackgo.StatusCodeError
				if errors.As(err, &sc) && sc.Code == 404 {
					runErr = fmt.Errorf("slack: apps.connections.open: %w (HTTP 404): check SLACK_APP_TOKEN", ErrFatalAuth)
				} else {
					runErr = fmt.Errorf("slack: socket mode: %w", err)
				}
			}
		}
	}
	sctx, scancel := context.WithTimeout(context.Background(), a.cfg.ShutdownGrace)
	defer scancel()
	if err := a.Shutdown(sctx); err != nil {
		a.log.Warn("slack: shutdown", "err", err)
	}
	return runErr
}

// socketEvent handles one event of the Socket Mode client: it acknowledges
// every envelope first, then hands the work to the background. It returns
// an error only for a fatal one.
func (a *Adapter) socketEvent(ctx context.Context, smc *socketmode.Client, evt socketmode.Event) error {
	ack := func(payload any) {
		if evt.Request == nil || evt.Request.EnvelopeID == "" {
			return
		}
		if err := smc.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil {
			a.log.Warn("slack: ack failed", "err", err, "envelope_id", evt.Request.EnvelopeID)
		}
	}
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.log.Debug("slack: connecting to Socket Mode")
	case socketmode.EventTypeConnected:
		a.log.Info("slack: connected over Socket Mode")
		a.event("connected")
	case socketmode.EventTypeHello:
		a.log.Debug("slack: hello")
	case socketmode.EventTypeConnectionError:
		if e, ok := evt.Data.(*slackgo.ConnectionErrorEvent); ok {
			if code, fatal := fatalCode(e.ErrorObj); fatal {
				return fmt.Errorf("slack: apps.connections.open: %w (%s): check SLACK_APP_TOKEN", ErrFatalAuth, code)
			}
			a.log.Warn("slack: Socket Mode connection failed; retrying", "err", e.ErrorObj, "attempt", e.Attempt, "backoff", e.Backoff)
			a.event("connection_error")
		}
	case socketmode.EventTypeEventsAPI:
		ack(nil)
		a.handleEvents(evt.Request.Payload, evt.Request.RetryAttempt)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slackgo.SlashCommand)
		if !ok {
			ack(nil)
			return nil
		}
		reply, answer := a.commandAck(cmd)
		ack(reply)
		if answer {
			a.handleCommand(cmd)
		}
	case socketmode.EventTypeInteractive:
		ack(nil)
		if cb, ok := evt.Data.(slackgo.InteractionCallback); ok {
			a.handleInteraction(cb)
		}
	case socketmode.EventTypeErrorBadMessage:
		// slack-go could not parse the envelope (an event type it does not
		// know): acknowledge it all the same, or Slack redelivers it.
		if e, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(e.Message, &env) == nil && env.EnvelopeID != "" {
				if err := smc.AckCtx(ctx, env.EnvelopeID, nil); err != nil {
					a.log.Warn("slack: ack failed", "err", err, "envelope_id", env.EnvelopeID)
				}
			}
			a.log.Debug("slack: unparsed Socket Mode message", "err", e.Cause)
		}
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		a.log.Warn("slack: Socket Mode error", "type", evt.Type, "data", fmt.Sprint(evt.Data))
	default:
		ack(nil)
	}
	return nil
}
