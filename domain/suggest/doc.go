// Package suggest finds existing users whose email resembles the one an
// agent is typing, so the console can warn before a duplicate account is
// created.
//
// One Index serves every session of the console. It is built once from the
// store's email index (already sorted, already normalized) and then kept
// current with Put and Delete as commits land, so a keystroke never has to
// touch the store.
//
// A query is answered in four stages, best first: the exact address, then
// addresses starting with what was typed, then near duplicates (the same
// mailbox written with dots or a +tag, a typo or two in the local part, the
// same name at another domain), then fuzzy subsequence matches. The first
// two stages use only a sorted byte arena and are ready as soon as Build
// returns; the last two use structures that Build finishes in the background
// so that the console can open at once.
package suggest
