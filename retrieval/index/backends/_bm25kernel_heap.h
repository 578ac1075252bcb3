/* The top-k heap and a posting search (included by _bm25kernel.c, before _bm25kernel_block.h). */

/* The k best so far: a binary heap whose root is the worst (lowest score; among equal scores, the
 * highest document number, since the project orders ties by document number ascending). Offers are by
 * position; the heap keeps document numbers (doc_at[position]). */
typedef struct {
    double *score;
    int64_t *doc;
    Py_ssize_t n, cap;
    const int32_t *doc_at;
} Heap;

static int worse(const Heap *h, Py_ssize_t a, Py_ssize_t b) {
    return h->score[a] < h->score[b] || (h->score[a] == h->score[b] && h->doc[a] > h->doc[b]);
}

static void heap_swap(Heap *h, Py_ssize_t a, Py_ssize_t b) {
    double s = h->score[a];
    int64_t d = h->doc[a];
    h->score[a] = h->score[b], h->doc[a] = h->doc[b];
    h->score[b] = s, h->doc[b] = d;
}

static void sift_down(Heap *h, Py_ssize_t i) {
    for (;;) {
        Py_ssize_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < h->n && worse(h, l, w)) w = l;
        if (r < h->n && worse(h, r, w)) w = r;
        if (w == i) return;
        heap_swap(h, i, w);
        i = w;
    }
}

static void heap_offer(Heap *h, double score, Py_ssize_t position) {
    const int64_t doc = h->doc_at[position];
    if (h->n < h->cap) {
        Py_ssize_t i = h->n++;
        h->score[i] = score, h->doc[i] = doc;
        while (i > 0 && worse(h, i, (i - 1) / 2)) {
            heap_swap(h, i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
    } else if (score > h->score[0] || (score == h->score[0] && doc < h->doc[0])) {
        h->score[0] = score, h->doc[0] = doc;
        sift_down(h, 0);
    }
}

static double heap_threshold(const Heap *h) { return h->n < h->cap ? -INFINITY : h->score[0]; }

/* First position in low[pos:end) holding a document >= target (galloping, then binary search). */
static int64_t seek(const uint16_t *low, int64_t pos, int64_t end, unsigned target) {
    if (pos >= end || low[pos] >= target) return pos;
    int64_t lo = pos, hi, step = 1; /* invariant: low[lo] < target; hi == end or low[hi] >= target */
    for (;;) {
        hi = lo + step;
        if (hi >= end) { hi = end; break; }
        if (low[hi] >= target) break;
        lo = hi;
        step <<= 1;
    }
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (low[mid] >= target) hi = mid; else lo = mid;
    }
    return hi;
}

static PyObject *heap_result(Heap *h) {
    /* sort best first: repeatedly move the worst to the end */
    Py_ssize_t n = h->n;
    while (h->n > 1) {
        heap_swap(h, 0, h->n - 1);
        h->n--;
        sift_down(h, 0);
    }
    PyObject *out = PyList_New(n);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *doc = PyLong_FromLongLong((long long)h->doc[i]), *score = PyFloat_FromDouble(h->score[i]);
        PyObject *pair = doc && score ? PyTuple_Pack(2, doc, score) : NULL;
        Py_XDECREF(doc), Py_XDECREF(score);
        if (!pair) { Py_DECREF(out); return NULL; }
        PyList_SET_ITEM(out, i, pair);
    }
    return out;
}
