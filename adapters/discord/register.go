package discord

import (
	"context"
	"errors"

	"github.com/bwmarrin/discordgo"
)

// askCommand is the /ask command as registered.
func askCommand() *discordgo.ApplicationCommand {
	return &discordgo.ApplicationCommand{
		Type:        discordgo.ChatApplicationCommand,
		Name:        "ask",
		Description: "Ask about the news coverage; the answer quotes and cites its sources.",
		Options: []*discordgo.ApplicationCommandOption{{
			Type:        discordgo.ApplicationCommandOptionString,
			Name:        "question",
			Description: "Your question, for example: What did Lavrov say about sanctions?",
			Required:    true,
			MaxLength:   maxOptionLength,
		}},
	}
}

// Register makes sure /ask exists as this package defines it: on
// Config.GuildID's server when set (commands there update at once), else
// globally. It reads the registered commands, and creates /ask when it is
// missing, edits it when it differs, and does nothing when it is already
// right; other commands are left alone. Run calls it once connected.
func (a *Adapter) Register(ctx context.Context) error {
	if a.cfg.Token == "" {
		return errors.New("discord: register /ask: no bot token")
	}
	appID := a.app()
	if appID == "" {
		var me *discordgo.User
		if err := a.call(ctx, "register /ask: look up the application id", 0, func(opts ...discordgo.RequestOption) error {
			var err error
			me, err = a.rest.User("@me", opts...)
			return err
		}); err != nil {
			return err
		}
		if me == nil || me.ID == "" {
			return errors.New("discord: register /ask: look up the application id: no id in the answer")
		}
		appID = me.ID
		a.appID.CompareAndSwap("", appID)
	}
	want := askCommand()
	var have []*discordgo.ApplicationCommand
	if err := a.call(ctx, "register /ask: list the commands", 0, func(opts ...discordgo.RequestOption) error {
		var err error
		have, err = a.rest.ApplicationCommands(appID, a.cfg.GuildID, opts...)
		return err
	}); err != nil {
		return err
	}
	for _, c := range have {
		if c == nil || c.Name != want.Name || (c.Type != 0 && c.Type != discordgo.ChatApplicationCommand) {
			continue
		}
		if sameCommand(c, want) {
			a.log.Info("discord: /ask is registered and up to date", "guild", a.cfg.GuildID)
			return nil
		}
		if err := a.call(ctx, "register /ask: update it", 0, func(opts ...discordgo.RequestOption) error {
			_, err := a.rest.ApplicationCommandEdit(appID, a.cfg.GuildID, c.ID, want, opts...)
			return err
		}); err != nil {
			return err
		}
		a.log.Info("discord: /ask updated", "guild", a.cfg.GuildID)
		return nil
	}
	if err := a.call(ctx, "register /ask: create it", 0, func(opts ...discordgo.RequestOption) error {
		_, err := a.rest.ApplicationCommandCreate(appID, a.cfg.GuildID, want, opts...)
		return err
	}); err != nil {
		return err
	}
	a.log.Info("discord: /ask created", "guild", a.cfg.GuildID)
	return nil
}

// sameCommand compares what Register sets.
func sameCommand(have, want *discordgo.ApplicationCommand) bool {
	if have.Description != want.Description || len(have.Options) != len(want.Options) {
		return false
	}
	for i, w := range want.Options {
		h := have.Options[i]
		if h == nil || h.Type != w.Type || h.Name != w.Name || h.Description != w.Description ||
			h.Required != w.Required || h.MaxLength != w.MaxLength || len(h.Options) != 0 || len(h.Choices) != 0 ||
			h.Autocomplete != w.Autocomplete || (h.MinLength == nil) != (w.MinLength == nil) ||
			h.MinLength != nil && *h.MinLength != *w.MinLength {
			return false
		}
	}
	return true
}
