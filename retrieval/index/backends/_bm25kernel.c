/* The `sparse` backend's optional query kernel: exact BM25 (Okapi, L) over the compact postings.
 *
 * Plain CPython C API and the buffer protocol (no numpy headers). Built with -ffp-contract=off and no
 * fast-math, so each weight is the same IEEE double numpy computes with the same operations in the same
 * order (see sparse_weights.py), and a document's score is the sum of its contributions in query order,
 * starting from 0.0, as numpy's bincount adds them.
 *
 * Layout (sparse_layout.py): index positions (documents shortest first; `doc_at` gives each position's
 * document number) in segments of `segment_docs`; per segment, one run per term it holds, a run being
 * the term's postings in that segment: `low` (position within the segment, ascending) and `tf` (term
 * frequency, 255 = look it up in the sorted overflow table). `run_max` is the largest weight in a run
 * (what bounds a short run, see _bm25kernel_bounds.h). Comments below say "document" for a position.
 *
 * top_k is exact block-max top-k (_bm25kernel_topk.h; a block is scored in _bm25kernel_block.h, the
 * k best kept in _bm25kernel_heap.h) over 64-document blocks whose per-term bounds are
 * computed here when the kernel is made (_bm25kernel_bounds.h); documents of equal length share their
 * norm through length classes (_bm25kernel_classes.h), and weights are computed in
 * _bm25kernel_weights.h. Bounds carry a relative slack far above any
 * rounding difference between summation orders, so pruning never drops a document the exhaustive sum
 * would have kept, and every score the kernel returns is the exact sum. Nothing is written outside the
 * kernel's own buffers; no N-sized work per query (the bounds of the blocks a query touches, ~1/32 N).
 * A small index (up to EXHAUSTIVE_DOCS documents) is summed exhaustively instead, a segment at a time
 * (_bm25kernel_exhaustive.h): there pruning costs more than it saves.
 *
 * Kernel(idf, norm, run_start, run_max, low, tf, over_pos, over_tf, term_run_ptr, term_runs, run_seg,
 *        doc_at, okapi, k1, segment_docs, delta[, max_classes[, exhaustive_docs]]); the buffers are held,
 * never copied; norm is per position, top_k answers document numbers (doc_at's). Tests lower
 * max_classes (one class a document) and exhaustive_docs (0: block-max at any size).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#ifdef __linux__
#include <stdlib.h>
#include <sys/mman.h>
#endif

#define SLACK 1e-9 /* relative: rounding differences are ~1e-16 per addition */
#define NO_DOC 0x7fffffff

enum { B_IDF, B_NORM, B_RUN_START, B_RUN_MAX, B_LOW, B_TF, B_OVER_POS, B_OVER_TF, B_TERM_RUN_PTR,
       B_TERM_RUNS, B_RUN_SEG, B_DOC_AT, N_BUF };
static const char *const buf_names[N_BUF] = {"idf", "norm", "run_start", "run_max", "low", "tf", "over_pos",
                                             "over_tf", "term_run_ptr", "term_runs", "run_seg", "doc_at"};
static const Py_ssize_t buf_itemsize[N_BUF] = {8, 8, 8, 8, 2, 1, 8, 4, 8, 8, 4, 4};
static const char *const buf_kinds[N_BUF] = {"d", "d", "lq", "d", "H", "B", "lq", "i", "lq", "lq", "i", "i"};

/* One run as a query reads it, in term order (term_runs' order), so a term's runs are contiguous: its
 * postings [start, end), its segment, its row of block bounds (-1: a short run) and its largest weight. */
typedef struct {
    int64_t start, end;
    double max;
    int32_t seg, row;
} TermRun;

typedef struct {
    PyObject_HEAD
    Py_buffer view[N_BUF];
    int held;
    const double *idf, *norm, *run_max;
    double *ub;         /* per query: the bound of every block of the segments it touches (blocks.h) */
    uint32_t *seg_mark; /* seg_mark[s] == epoch: ub of segment s belongs to the current query */
    uint32_t epoch;
    TermRun *truns;     /* term_runs[tp]'s run at truns[tp] (bounds.h) */
    uint8_t *block_q;
    uint16_t *block_off;
    double *block_scale;
    Py_ssize_t blocks_per_seg;
    uint16_t *doc_class; /* classes.h: documents of equal norm share a class (NULL: class = document) */
    double *class_norm, *class_unit; /* per class: the norm; Okapi's tf * (k1 + 1) / (tf + norm), small tf */
    Py_ssize_t tf_table;             /* class_unit entries per class */
    Py_ssize_t max_classes;          /* more distinct norms than this: class = document (tests lower it) */
    Py_ssize_t exhaustive_docs;      /* up to this many documents top_k sums every posting (exhaustive.h) */
    const int64_t *run_start, *over_pos, *term_run_ptr, *term_runs;
    const uint16_t *low;
    const uint8_t *tf;
    const int32_t *over_tf, *run_seg;
    const int32_t *doc_at; /* the document number at each position (what top_k returns and orders ties by) */
    Py_ssize_t n_docs, n_terms, n_runs, n_postings, n_over, n_segments, segment_docs;
    int okapi;
    double k1, k1p1, delta;
} Kernel;

/* The kernel's large tables (bounds, runs, classes): on huge pages where Linux offers them (THP "madvise"
 * or "always"), since a query reads them at random and with 4 KB pages most such reads of a large index
 * also miss the TLB. Freed with table_free. */
static void *table_alloc(size_t n) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const size_t huge = (size_t)2 << 20;
    if (n < huge) return malloc(n ? n : 1);
    void *p = NULL;
    if (posix_memalign(&p, huge, n) != 0) return NULL;
    madvise(p, n, MADV_HUGEPAGE); /* advice only: without it the table is the same, on small pages */
    return p;
#else
    return PyMem_RawMalloc(n ? n : 1);
#endif
}
static void table_free(void *p) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    free(p); /* malloc and posix_memalign, never Python's allocators (a debug allocator adds headers) */
#else
    PyMem_RawFree(p);
#endif
}

static void Kernel_dealloc(Kernel *self) {
    table_free(self->doc_class);
    PyMem_Free(self->class_norm);
    PyMem_Free(self->class_unit);
    table_free(self->ub);
    PyMem_Free(self->seg_mark);
    table_free(self->truns);
    table_free(self->block_q);
    table_free(self->block_off);
    PyMem_Free(self->block_scale);
    for (int i = 0; i < self->held; i++) PyBuffer_Release(&self->view[i]);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int take_buffer(Kernel *self, int i, PyObject *obj) {
    Py_buffer *v = &self->view[i];
    if (PyObject_GetBuffer(obj, v, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    self->held = i + 1;
    const char *fmt = v->format ? v->format : "B";
    if (*fmt == '<' || *fmt == '=' || *fmt == '@') fmt++;
    if (v->ndim != 1 || v->itemsize != buf_itemsize[i] || strlen(fmt) != 1 || !strchr(buf_kinds[i], *fmt)) {
        PyErr_Format(PyExc_ValueError, "kernel: %s has the wrong type or shape", buf_names[i]);
        return -1;
    }
    return 0;
}

static Py_ssize_t length(Kernel *self, int i) { return self->view[i].len / buf_itemsize[i]; }

static int bad(const char *what) {
    PyErr_Format(PyExc_ValueError, "kernel: %s", what);
    return -1;
}

/* doc_at must be a permutation of 0..n_docs-1 (one bit per document marks those seen). */
static int check_doc_at(Kernel *self) {
    uint8_t *seen = PyMem_Calloc((size_t)(self->n_docs / 8 + 1), 1);
    if (!seen) { PyErr_NoMemory(); return -1; }
    int ok = 1;
    for (Py_ssize_t p = 0; p < self->n_docs && ok; p++) {
        const int32_t d = self->doc_at[p];
        ok = d >= 0 && d < self->n_docs && !(seen[d >> 3] & (1u << (d & 7)));
        if (ok) seen[d >> 3] |= (uint8_t)(1u << (d & 7));
    }
    PyMem_Free(seen);
    return ok ? 0 : bad("document order");
}

/* Bounds the loops rely on, checked once when the kernel is made (one pass over the document numbers). */
static int check_layout(Kernel *self) {
    Py_ssize_t R = self->n_runs, P = self->n_postings, S = self->n_segments;
    if (length(self, B_NORM) != self->n_docs || length(self, B_RUN_START) != R + 1 ||
        length(self, B_TF) != P || length(self, B_OVER_TF) != self->n_over ||
        length(self, B_TERM_RUN_PTR) != self->n_terms + 1 || length(self, B_TERM_RUNS) != R ||
        length(self, B_RUN_SEG) != R || length(self, B_DOC_AT) != self->n_docs)
        return bad("array lengths disagree");
    if (self->run_start[0] != 0 || self->run_start[R] != P) return bad("run offsets");
    for (Py_ssize_t r = 0; r < R; r++) {
        if (self->run_start[r + 1] < self->run_start[r]) return bad("run offsets");
        if (self->run_seg[r] < 0 || self->run_seg[r] >= S) return bad("run segments");
    }
    if (self->term_run_ptr[0] != 0 || self->term_run_ptr[self->n_terms] != R) return bad("term runs");
    for (Py_ssize_t t = 0; t < self->n_terms; t++)
        if (self->term_run_ptr[t + 1] < self->term_run_ptr[t]) return bad("term runs");
    for (Py_ssize_t r = 0; r < R; r++)
        if (self->term_runs[r] < 0 || self->term_runs[r] >= R) return bad("term runs");
    for (Py_ssize_t r = 0; r < R; r++) { /* every document number must land inside the corpus */
        Py_ssize_t base = (Py_ssize_t)self->run_seg[r] * self->segment_docs;
        Py_ssize_t room = self->n_docs - base < self->segment_docs ? self->n_docs - base : self->segment_docs;
        for (int64_t p = self->run_start[r]; p < self->run_start[r + 1]; p++)
            if (self->low[p] >= room) return bad("document numbers");
    }
    return check_doc_at(self);
}

static int init_blocks(Kernel *self); /* _bm25kernel_bounds.h */
#define MAX_CLASSES 65535
#define EXHAUSTIVE_DOCS 24576 /* top_k sums every posting up to this many documents (exhaustive.h) */
static int init_classes(Kernel *self); /* _bm25kernel_classes.h */

static int Kernel_init(Kernel *self, PyObject *args, PyObject *kwds) {
    PyObject *obj[N_BUF];
    int okapi;
    Py_ssize_t segment_docs;
    self->max_classes = MAX_CLASSES;
    self->exhaustive_docs = EXHAUSTIVE_DOCS;
    static char *names[] = {"idf", "norm", "run_start", "run_max", "low", "tf", "over_pos", "over_tf",
                            "term_run_ptr", "term_runs", "run_seg", "doc_at", "okapi", "k1", "segment_docs",
                            "delta", "max_classes", "exhaustive_docs", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOOOOOOOpdnd|nn", names, &obj[0], &obj[1], &obj[2],
                                     &obj[3], &obj[4], &obj[5], &obj[6], &obj[7], &obj[8], &obj[9], &obj[10],
                                     &obj[11], &okapi, &self->k1, &segment_docs, &self->delta, &self->max_classes,
                                     &self->exhaustive_docs))
        return -1;
    if (self->max_classes < 0 || self->max_classes > MAX_CLASSES) return bad("max_classes");
    if (self->exhaustive_docs < 0) return bad("exhaustive_docs");
    if (self->held) return bad("already initialised");
    for (int i = 0; i < N_BUF; i++)
        if (take_buffer(self, i, obj[i]) < 0) return -1;
    self->idf = self->view[B_IDF].buf;
    self->norm = self->view[B_NORM].buf;
    self->run_start = self->view[B_RUN_START].buf;
    self->run_max = self->view[B_RUN_MAX].buf;
    self->low = self->view[B_LOW].buf;
    self->tf = self->view[B_TF].buf;
    self->over_pos = self->view[B_OVER_POS].buf;
    self->over_tf = self->view[B_OVER_TF].buf;
    self->term_run_ptr = self->view[B_TERM_RUN_PTR].buf;
    self->term_runs = self->view[B_TERM_RUNS].buf;
    self->run_seg = self->view[B_RUN_SEG].buf;
    self->doc_at = self->view[B_DOC_AT].buf;
    self->n_terms = length(self, B_IDF);
    self->n_docs = length(self, B_NORM);
    self->n_runs = length(self, B_RUN_MAX);
    self->n_postings = length(self, B_LOW);
    self->n_over = length(self, B_OVER_POS);
    self->okapi = okapi;
    self->k1p1 = self->k1 + 1.0;
    if (segment_docs < 1 || segment_docs > 65536) return bad("segment size");
    self->segment_docs = segment_docs;
    self->n_segments = (self->n_docs + segment_docs - 1) / segment_docs;
    if (check_layout(self) < 0) return -1;
    if (init_classes(self) < 0) return -1;
    return init_blocks(self);
}


static double tf_at(const Kernel *self, int64_t pos) {
    unsigned v = self->tf[pos];
    if (v != 255) return (double)v;
    Py_ssize_t lo = 0, hi = self->n_over; /* first over_pos >= pos */
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (self->over_pos[mid] < pos) lo = mid + 1; else hi = mid;
    }
    return (lo < self->n_over && self->over_pos[lo] == pos) ? (double)self->over_tf[lo] : 255.0;
}

#include "_bm25kernel_classes.h"

#include "_bm25kernel_weights.h"

/* Slots from Python lists: term ids (each < n_terms) and optional positive weights. */
static Slot *read_slots(Kernel *self, PyObject *terms, PyObject *weights, Py_ssize_t *count) {
    PyObject *tseq = PySequence_Fast(terms, "kernel: terms must be a sequence");
    if (!tseq) return NULL;
    Py_ssize_t m = PySequence_Fast_GET_SIZE(tseq);
    PyObject *wseq = NULL;
    if (weights != Py_None) {
        wseq = PySequence_Fast(weights, "kernel: weights must be a sequence");
        if (!wseq || PySequence_Fast_GET_SIZE(wseq) != m) {
            if (wseq) PyErr_SetString(PyExc_ValueError, "kernel: one weight per term");
            Py_DECREF(tseq); Py_XDECREF(wseq);
            return NULL;
        }
    }
    Slot *slots = PyMem_Calloc(m ? m : 1, sizeof(Slot));
    if (!slots) { PyErr_NoMemory(); goto fail; }
    for (Py_ssize_t i = 0; i < m; i++) {
        long long t = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(tseq, i));
        if (t == -1 && PyErr_Occurred()) goto fail;
        if (t < 0 || t >= self->n_terms) { PyErr_SetString(PyExc_IndexError, "kernel: term id"); goto fail; }
        slots[i].term = t;
        slots[i].tp0 = slots[i].tp = self->term_run_ptr[t];
        slots[i].te = self->term_run_ptr[t + 1];
        slots[i].w = 1.0;
        if (wseq) {
            slots[i].w = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(wseq, i));
            if (slots[i].w == -1.0 && PyErr_Occurred()) goto fail;
            slots[i].weighted = 1;
        }
    }
    Py_DECREF(tseq); Py_XDECREF(wseq);
    *count = m;
    return slots;
fail:
    PyMem_Free(slots);
    Py_DECREF(tseq); Py_XDECREF(wseq);
    return NULL;
}

static PyObject *Kernel_accumulate(Kernel *self, PyObject *args) {
    PyObject *terms, *weights, *out;
    if (!PyArg_ParseTuple(args, "OOO", &terms, &weights, &out)) return NULL;
    Py_buffer ob;
    if (PyObject_GetBuffer(out, &ob, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT) < 0) return NULL;
    if (ob.itemsize != 8 || ob.len != self->n_docs * 8 || !ob.format || !strchr(ob.format, 'd')) {
        PyBuffer_Release(&ob);
        PyErr_SetString(PyExc_ValueError, "kernel: out must be float64 with one entry per document");
        return NULL;
    }
    Py_ssize_t m;
    Slot *slots = read_slots(self, terms, weights, &m);
    if (!slots) { PyBuffer_Release(&ob); return NULL; }
    double *acc = ob.buf;
    for (Py_ssize_t i = 0; i < m; i++)
        for (int64_t tp = slots[i].tp; tp < slots[i].te; tp++) {
            const int64_t run = self->term_runs[tp];
            const Py_ssize_t base = (Py_ssize_t)self->run_seg[run] * self->segment_docs;
            add_run(self, &slots[i], self->run_start[run], self->run_start[run + 1], acc + base, base);
        }
    PyMem_Free(slots);
    PyBuffer_Release(&ob);
    Py_RETURN_NONE;
}

#include "_bm25kernel_bounds.h"
#include "_bm25kernel_heap.h"
#include "_bm25kernel_exhaustive.h"
#include "_bm25kernel_block.h"
#include "_bm25kernel_topk.h"

static PyMethodDef Kernel_methods[] = {
    {"accumulate", (PyCFunction)Kernel_accumulate, METH_VARARGS,
     "accumulate(terms, weights|None, out): add every posting's contribution to out[position], in query order"},
    {"top_k", (PyCFunction)Kernel_top_k, METH_VARARGS,
     "top_k(terms, weights|None, k) -> [(document, score)], score descending then document ascending"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject KernelType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "retrieval.index.backends._bm25kernel.Kernel",
    .tp_basicsize = sizeof(Kernel),
    .tp_dealloc = (destructor)Kernel_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Exact BM25 over compact postings (see the module source for the layout)",
    .tp_methods = Kernel_methods,
    .tp_init = (initproc)Kernel_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef kernel_module = {PyModuleDef_HEAD_INIT, "_bm25kernel",
                                           "Exact BM25 query kernel (optional C extension)", -1, NULL};

PyMODINIT_FUNC PyInit__bm25kernel(void) {
    if (PyType_Ready(&KernelType) < 0) return NULL;
    PyObject *m = PyModule_Create(&kernel_module);
    if (!m) return NULL;
    Py_INCREF(&KernelType);
    if (PyModule_AddObject(m, "Kernel", (PyObject *)&KernelType) < 0) {
        Py_DECREF(&KernelType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
