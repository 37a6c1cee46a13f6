package store

import (
	"encoding/binary"
	"encoding/json"

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

func encode(v any) ([]byte, error) { return json.Marshal(v) }

func decode(b []byte, v any) error { return json.Unmarshal(b, v) }
