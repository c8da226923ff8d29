package wallet

import (
	"context"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/votebits"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// voteChoiceMethods are getvotechoices and setvotechoice: the wallet's own
// choices on the agendas of its vote version, used when it votes by itself
// (--enablevoting) and reported by walletinfo's votebits. A stake pool
// votes with each user's choices instead (generatevote's votebits).
func (w *Wallet) voteChoiceMethods() []rpcserver.Method {
	return []rpcserver.Method{
		{Name: "getvotechoices", Handler: w.getVoteChoices},
		{Name: "setvotechoice", Params: []string{"agendaid", "choiceid"}, Required: 2, Handler: w.setVoteChoice},
	}
}

// agendas are the agendas of the wallet's vote version (none if the
// network does not know the version).
func (w *Wallet) agendas() []chaincfg.Agenda {
	a, _ := w.cfg.Params.Agendas(w.cfg.VoteVersion)
	return a
}

// voteBitsLocked is the wallet's default vote bits: --votebits with the
// agenda bits replaced by the wallet's choices once any was set.
func (w *Wallet) voteBitsLocked() uint16 {
	if len(w.st.VoteChoices) == 0 {
		return w.cfg.VoteBits
	}
	bits, err := votebits.Build(w.st.VoteChoices, w.agendas())
	if err != nil {
		return w.cfg.VoteBits
	}
	return bits
}

func (w *Wallet) getVoteChoices(context.Context, *rpcserver.Call) (any, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	res := rpcjson.GetVoteChoicesResult{Version: w.cfg.VoteVersion, Choices: []rpcjson.VoteChoice{}}
	chosen, err := votebits.Describe(w.voteBitsLocked(), w.agendas())
	if err != nil {
		chosen = map[string]string{}
	}
	for _, a := range w.agendas() {
		id := chosen[a.ID]
		if id == "" {
			id = "abstain"
		}
		c, _ := a.Choice(id)
		res.Choices = append(res.Choices, rpcjson.VoteChoice{AgendaID: a.ID, AgendaDescription: a.Description,
			ChoiceID: c.ID, ChoiceDescription: c.Description})
	}
	return res, nil
}

func (w *Wallet) setVoteChoice(_ context.Context, c *rpcserver.Call) (any, error) {
	agenda := c.Params.String(0)
	choice := c.Params.String(1)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	next := map[string]string{agenda: choice}
	for k, v := range w.st.VoteChoices {
		if k != agenda {
			next[k] = v
		}
	}
	if _, err := votebits.Build(next, w.agendas()); err != nil {
		return nil, invalidParam("%v", err)
	}
	w.st.VoteChoices = next
	return nil, w.saveLocked()
}
