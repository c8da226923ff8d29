package node

import "sort"

func sortBySeq(es []*mempoolTx) {
	sort.Slice(es, func(i, j int) bool { return es[i].seq < es[j].seq })
}
