package rpcclient

// State is the connection state of a Client.
type State int

// Connection states. A client starts in StateConnecting, alternates between
// the first three while it runs and ends in StateClosed.
const (
	StateConnecting   State = iota // dialing (or re-registering notifications)
	StateConnected                 // calls can be made; subscriptions are active
	StateDisconnected              // the last attempt failed or the connection dropped; waiting to redial
	StateClosed                    // Close was called
)

func (s State) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateConnected:
		return "connected"
	case StateDisconnected:
		return "disconnected"
	case StateClosed:
		return "closed"
	}
	return "unknown"
}

// State returns the current connection state.
func (c *Client) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// WatchState returns a channel that yields the current state at once and
// then every change. A slow reader skips intermediate states but always
// receives the latest one. Call cancel to stop watching.
func (c *Client) WatchState() (<-chan State, func()) {
	ch := make(chan State, 1)
	c.mu.Lock()
	ch <- c.state
	c.watches[ch] = struct{}{}
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		delete(c.watches, ch)
		c.mu.Unlock()
	}
}

func (c *Client) setState(s State) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == StateClosed || c.state == s {
		return
	}
	c.state = s
	for ch := range c.watches {
		// Replace an unread older state with the latest one.
		select {
		case <-ch:
		default:
		}
		ch <- s
	}
}
