package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"

	"helpdesk/domain"
)

var (
	bucketMeta           = []byte("meta")
	bucketUsers          = []byte("users")
	bucketUsersByEmail   = []byte("users_by_email")
	bucketOrgs           = []byte("orgs")
	bucketOrgsByName     = []byte("orgs_by_name")
	bucketOrgDomains     = []byte("org_domains")
	bucketOrgMembers     = []byte("org_members")
	bucketAudit          = []byte("audit")
	bucketAuditBySubject = []byte("audit_by_subject")
	bucketTemplates      = []byte("templates")
	bucketOutbox         = []byte("outbox")
	bucketOutboxQueue    = []byte("outbox_queue")
	bucketTokens         = []byte("tokens")
	bucketAgents         = []byte("agents")
	bucketAgentKeys      = []byte("agent_keys")

	bucketConversations   = []byte("conversations")
	bucketConvMessages    = []byte("conv_messages")
	bucketConvByRequester = []byte("conv_by_requester")
	bucketConvByStatus    = []byte("conv_by_status")

	bucketGroups       = []byte("groups")
	bucketGroupsByName = []byte("groups_by_name")
	bucketGroupMembers = []byte("group_members")
	bucketUserGroups   = []byte("user_groups")

	bucketSessions   = []byte("sessions")
	bucketSignIn     = []byte("signin")
	bucketOrgsBySlug = []byte("orgs_by_slug")
	bucketOrgLogos   = []byte("org_logos")

	keySchema = []byte("schema")
	keyImport = []byte("import")
)

func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func btoi(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func idKey(id domain.ID) []byte { return itob(uint64(id)) }

// pairKey is two ids side by side: a composite key whose prefix is the first.
func pairKey(a, b domain.ID) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(a))
	binary.BigEndian.PutUint64(k[8:], uint64(b))
	return k
}

func countKey(s domain.State) []byte { return []byte("count/" + string(s)) }

func subjectKey(kind string, subject, entry domain.ID) []byte {
	k := make([]byte, 17)
	k[0] = subjectByte(kind)
	binary.BigEndian.PutUint64(k[1:], uint64(subject))
	binary.BigEndian.PutUint64(k[9:], uint64(entry))
	return k
}

func subjectByte(kind string) byte {
	if kind == domain.SubjectOrg {
		return 'o'
	}
	if kind == domain.SubjectConv {
		return 'c'
	}
	return 'u'
}

// Records are stored in an envelope: one version byte (envelopeV1), the
// CRC-32C (Castagnoli) of the JSON, big-endian, then the JSON. A record
// written before the envelope is plain JSON, which starts with '{'.
const (
	envelopeV1   = 0x01
	envelopeHead = 5
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checksums is false only in the benchmark of what the envelope costs:
// records are then written as plain JSON, as before it.
var checksums = true

func encode(v any) ([]byte, error) {
	js, err := json.Marshal(v)
	if err != nil || !checksums {
		return js, err
	}
	return seal(js), nil
}

// seal wraps JSON in the envelope.
func seal(js []byte) []byte {
	out := make([]byte, envelopeHead+len(js))
	out[0] = envelopeV1
	binary.BigEndian.PutUint32(out[1:], crc32.Checksum(js, castagnoli))
	copy(out[envelopeHead:], js)
	return out
}

// unseal returns the JSON of a stored record after verifying its checksum;
// a legacy record (plain JSON) is returned as it is.
func unseal(b []byte) ([]byte, error) {
	switch {
	case len(b) > 0 && b[0] == '{':
		return b, nil
	case len(b) >= envelopeHead && b[0] == envelopeV1:
		js := b[envelopeHead:]
		if crc32.Checksum(js, castagnoli) != binary.BigEndian.Uint32(b[1:]) {
			return nil, &DamagedError{What: "a record fails its checksum"}
		}
		return js, nil
	case len(b) == 0:
		return nil, &DamagedError{What: "a record is empty"}
	default:
		return nil, &DamagedError{What: fmt.Sprintf("a record starts with byte %#x, neither an envelope nor JSON", b[0])}
	}
}

func decode(b []byte, v any) error {
	js, err := unseal(b)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(js, v); err != nil {
		return &DamagedError{What: "a record does not decode: " + err.Error()}
	}
	return nil
}
