package domain

// maxIndexPuts is the largest import chunk whose emails are put into a
// built suggestion index one by one; a larger one drops the index, to be
// rebuilt at its next use. It matches the index's delta size at which a
// merge starts.
const maxIndexPuts = 1024

// skipNear reports and skips a row whose email may be an existing user
// written another way, or mixes scripts, unless near duplicates are
// allowed. Rows are compared with the desk as the import began (and the
// users created meanwhile), not with the file's other rows: those are
// compared exactly, in the final sorted pass.
func (im *importer) skipNear(line int, e Email) (bool, error) {
	if im.opts.AllowNear {
		return false, nil
	}
	if !im.nearOK {
		if err := im.desk.WaitSuggestReady(); err != nil {
			return false, err
		}
		im.nearOK = true
	}
	near, mixed, err := im.desk.nearDuplicates(e, 2)
	if err != nil || len(near) == 0 && mixed == "" {
		return false, err
	}
	im.rep.Near++
	im.fail(line, e.Address, nearReason(near, mixed))
	return true, nil
}
