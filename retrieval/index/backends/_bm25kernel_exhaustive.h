/* Exhaustive top-k for small indexes (included by _bm25kernel.c, after _bm25kernel_heap.h).
 *
 * Up to `exhaustive_docs` documents (EXHAUSTIVE_DOCS in _bm25kernel.c, unless the kernel is told
 * otherwise) summing every posting beats pruning: the bounds, seeds and per-segment plans of block-max
 * (_bm25kernel_topk.h) cost about as much as the postings they would skip, and a segment's accumulator
 * stays in L1, at p95. On the synthetic benchmark corpus with documents shortest first (docs/performance.md,
 * "Query kernel") block-max wins p50 from 10k documents on, the exhaustive sum keeps p95 lower up to ~20k,
 * and between 20k and 25k the two p95s are within noise; at 50k block-max is twice as fast at p50.
 * A segment at a time: every slot's run added in query order into one accumulator per document, from
 * 0.0 (the exhaustive sum itself), then each block's documents with a score >= the k-th offered.
 */

/* Offer the documents first..last - 1 of the segment at seg_base whose acc reaches the k-th score
 * (while the heap fills: every matched one, acc > 0). */
static inline void offer_range(Heap *h, const double *acc, Py_ssize_t first, Py_ssize_t last, Py_ssize_t seg_base) {
    double floor = heap_threshold(h) > 0.0 ? heap_threshold(h) : DBL_TRUE_MIN; /* acc >= it: acc > 0 */
    int hit = 0;
    for (Py_ssize_t d = first; d < last; d++) hit |= acc[d] >= floor; /* no branch: it vectorizes */
    if (!hit) return;
    for (Py_ssize_t d = first; d < last; d++)
        if (acc[d] >= floor) {
            heap_offer(h, acc[d], seg_base + d);
            if (heap_threshold(h) > floor) floor = heap_threshold(h);
        }
}

/* top_k for an index of at most exhaustive_docs documents; slots' cursors are used up. */
static PyObject *exhaustive_top_k(const Kernel *self, Slot *slots, Py_ssize_t m, Py_ssize_t k) {
    const size_t kk = (size_t)k;
    int64_t *words = PyMem_Malloc((2 * kk + (size_t)self->segment_docs) * sizeof(int64_t));
    if (!words) return PyErr_NoMemory();
    Heap h = {(double *)words, words + kk, 0, k, self->doc_at};
    double *acc = (double *)(words + 2 * kk);
    for (int32_t seg = 0; seg < self->n_segments; seg++) {
        int any = 0; /* each slot's cursor is at its first run past the previous segment */
        for (Py_ssize_t i = 0; i < m; i++)
            any |= slots[i].tp < slots[i].te && self->truns[slots[i].tp].seg == seg;
        if (!any) continue;
        const Py_ssize_t seg_base = (Py_ssize_t)seg * self->segment_docs,
                         docs = self->n_docs - seg_base < self->segment_docs ? self->n_docs - seg_base
                                                                              : self->segment_docs;
        memset(acc, 0, (size_t)docs * sizeof(double));
        for (Py_ssize_t i = 0; i < m; i++) { /* query order */
            Slot *s = &slots[i];
            if (s->tp == s->te || self->truns[s->tp].seg != seg) continue;
            const TermRun *run = &self->truns[s->tp++];
            add_run(self, s, run->start, run->end, acc, seg_base);
        }
        for (Py_ssize_t first = 0; first < docs; first += BLOCK_DOCS)
            offer_range(&h, acc, first, first + BLOCK_DOCS < docs ? first + BLOCK_DOCS : docs, seg_base);
    }
    PyObject *result = heap_result(&h);
    PyMem_Free(words);
    return result;
}
