package suggest_test

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentQueriesAndChanges runs sessions typing while commits add,
// change and delete users and merges run; run it with -race.
func TestConcurrentQueriesAndChanges(t *testing.T) {
	d := genDesk(5000, 11)
	ix := buildGatedOpen(d, 200)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for s := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				e := d.emails[(i*131+s*17)%len(d.emails)]
				q := e[:1+i%len(e)]
				r := ix.Query(q, 0)
				checkWellFormed(t, nil, q, 0, r)
				ix.Lookup(e)
				ix.Len()
			}
		}()
	}
	for i := range 1500 {
		e := fmt.Sprintf("user%d@acme.com", i)
		ix.Put(e, uint64(1_000_000+i))
		if i%3 == 0 {
			ix.Delete(d.emails[i%len(d.emails)])
		}
		if i%5 == 0 {
			ix.Delete(e)
			ix.Put("renamed."+e, uint64(1_000_000+i))
		}
	}
	close(stop)
	wg.Wait()
	ix.WaitNear()
	if r := ix.Query("renamed.user5@acme.com", 0); len(r.Matches) == 0 || r.Matches[0].ID != 1_000_005 {
		t.Errorf("renamed user: %+v", r.Matches)
	}
	if _, ok := ix.Lookup("user5@acme.com"); ok {
		t.Error("old address of renamed user still present")
	}
}
