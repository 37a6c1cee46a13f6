package domain

import "sync"

// Event tells open sessions that something changed, after it committed, so
// they can refresh what they show.
type Event struct {
	Kind string // SubjectUser, SubjectOrg, SubjectConv, "mail", "template", "settings", "agent"; "import" after a bulk load
	ID   ID
}

// hub fans events out to subscribers without ever blocking a commit: a
// subscriber that does not keep up misses events (it refreshes anyway on the
// next one it gets).
type hub struct {
	mu   sync.Mutex
	subs map[chan Event]struct{}
}

// Subscribe returns a channel of change events and a function that ends the
// subscription.
func (d *Desk) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, 64)
	d.hub.mu.Lock()
	if d.hub.subs == nil {
		d.hub.subs = map[chan Event]struct{}{}
	}
	d.hub.subs[ch] = struct{}{}
	d.hub.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			d.hub.mu.Lock()
			delete(d.hub.subs, ch)
			d.hub.mu.Unlock()
			close(ch)
		})
	}
}

func (d *Desk) publish(e Event) {
	d.hub.mu.Lock()
	defer d.hub.mu.Unlock()
	for ch := range d.hub.subs {
		select {
		case ch <- e:
		default:
		}
	}
}
