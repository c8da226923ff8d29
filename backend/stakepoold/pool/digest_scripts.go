package pool

import (
	"context"
	"sync"
	"time"
)

// listScriptsTimeout bounds the background listing of the wallet's scripts.
const listScriptsTimeout = time.Minute

// scriptCache is what the daemon knows of the wallet's imported scripts,
// to tell the front end whether every held user's script is there. It is
// listed once after each (re)connection of the wallet and after each
// import (listscripts returns every script, so it is not asked on every
// Health call); until the listing is done the answer is "unknown".
type scriptCache struct {
	mu         sync.Mutex
	have       map[string]struct{} // P2SH addresses of imported scripts
	known      bool
	refreshing bool
	gen        uint64 // bumped by every invalidation
	// missing is the count for users (a map generation) and gen.
	missing      int
	missingUsers map[string]UserPrefs
	missingGen   uint64
}

// InvalidateScripts forgets what is known of the wallet's scripts (the
// wallet reconnected, or a script was imported); the next Health call
// lists them again in the background.
func (p *Pool) InvalidateScripts() {
	c := &p.scripts
	c.mu.Lock()
	c.known = false
	c.gen++
	c.mu.Unlock()
}

// ScriptsMissing reports how many users whose preferences are held have no
// imported script in the wallet, and whether that is known yet.
func (p *Pool) ScriptsMissing() (missing int, known bool) {
	p.mu.RLock()
	users, synced := p.users, p.synced
	p.mu.RUnlock()
	c := &p.scripts
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.known {
		if synced && !c.refreshing && p.wallet.Connected() {
			c.refreshing = true
			go p.listScripts(c.gen)
		}
		return 0, false
	}
	if sameMap(c.missingUsers, users) && c.missingGen == c.gen {
		return c.missing, true
	}
	n := 0
	for addr := range users {
		if _, ok := c.have[addr]; !ok {
			n++
		}
	}
	c.missing, c.missingUsers, c.missingGen = n, users, c.gen
	return n, true
}

// listScripts lists the wallet's scripts; the result counts only if
// nothing invalidated the cache meanwhile.
func (p *Pool) listScripts(gen uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), listScriptsTimeout)
	defer cancel()
	ss, err := p.wallet.ListScripts(ctx)
	c := &p.scripts
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing = false
	if err != nil {
		p.log.Debugf("List the wallet's scripts: %v", err)
		return
	}
	if c.gen != gen {
		return // invalidated while listing: the next Health lists again
	}
	have := make(map[string]struct{}, len(ss))
	for _, s := range ss {
		have[s.Address] = struct{}{}
	}
	c.have, c.known, c.missingUsers = have, true, nil
}
