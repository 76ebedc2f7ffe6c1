"""Network generators against graph theory and networkx's semantics."""

import networkx as nx
import numpy as np
import pytest
from scipy import sparse

from model.edgelist import EdgeListError, read_edgelist
from model.generators import generate
from model.network import from_edges

ROOT_DATA = __import__("pathlib").Path(__file__).resolve().parent.parent / "scenarios" / "data"


def _simple(graph) -> bool:
    """No self-loops, no repeated follows."""
    owners = np.repeat(np.arange(graph.n_users), graph.n_followers)
    keys = owners * graph.n_users + graph.followers
    return bool((owners != graph.followers).all() and len(np.unique(keys)) == len(keys))


def test_erdos_renyi_has_exactly_n_z_over_2_edges():
    g = generate("erdos_renyi", 5000, 6.0, 0.0, False, np.random.default_rng(0))
    assert len(g.followers) == 5000 * 6  # each undirected edge is two follows
    assert _simple(g)
    # Degrees of G(n, m) are close to Poisson(z): variance ~ mean.
    assert np.var(g.n_followers) == pytest.approx(6.0, rel=0.1)


def test_barabasi_albert_edge_count_and_heavy_tail():
    n, m = 20_000, 3
    g = generate("barabasi_albert", n, 2 * m, 0.0, False, np.random.default_rng(1))
    assert len(g.followers) == 2 * (m + (n - m - 1) * m)
    assert _simple(g)
    assert g.n_followers.min() >= 1
    # Scale-free: P(k) ~ k^-3 gives a maximum degree of order m sqrt(n) (~ 400), far beyond Poisson.
    assert g.n_followers.max() > 150
    # The tail exponent from the MLE on k >= 10 is close to 3 (Barabasi & Albert 1999).
    k = g.n_followers[g.n_followers >= 10].astype(float)
    alpha = 1 + len(k) / np.sum(np.log(k / 9.5))
    assert alpha == pytest.approx(3.0, abs=0.35)


def test_ring_lattice_clustering():
    """Ring lattice with k neighbours: C = 3(k-2) / (4(k-1)) (Watts & Strogatz 1998)."""
    k = 10
    g = generate("ring_lattice", 1000, k, 0.0, False, np.random.default_rng(0))
    assert (g.n_followers == k).all()
    clustering = nx.average_clustering(g.to_networkx())
    assert clustering == pytest.approx(3 * (k - 2) / (4 * (k - 1)), abs=1e-12)


def test_watts_strogatz_clustering_falls_as_1_minus_p_cubed():
    """Barrat & Weigt (2000): C(p) ~ C(0) (1 - p)^3 for networkx-style rewiring."""
    k, p = 10, 0.1
    g = generate("watts_strogatz", 2000, k, p, False, np.random.default_rng(2))
    assert _simple(g)
    assert len(g.followers) == 2000 * k  # rewiring keeps the number of edges
    c0 = 3 * (k - 2) / (4 * (k - 1))
    assert nx.average_clustering(g.to_networkx()) == pytest.approx(c0 * (1 - p) ** 3, abs=0.03)


@pytest.mark.parametrize("seed", range(20))
def test_watts_strogatz_ends_when_a_user_has_no_free_end(seed):
    """Dense small rings used to rewire forever once a user was joined to every other."""
    g = generate("watts_strogatz", 10, 8, 0.65, False, np.random.default_rng(seed))
    assert _simple(g)
    assert 30 <= len(g.followers) // 2 <= 40  # 40 ring edges; a skipped rewiring leaves a join already there
    assert g.n_followers.max() <= 9


def test_complete_graph():
    g = generate("complete", 50, 0, 0, False, np.random.default_rng(0))
    assert (g.n_followers == 49).all() and (g.n_followees == 49).all()


def test_directed_generation_orients_each_edge_once():
    g = generate("erdos_renyi", 2000, 8.0, 0.0, True, np.random.default_rng(3))
    assert len(g.followers) == 2000 * 4
    assert g.n_followers.sum() == g.n_followees.sum()
    assert not np.array_equal(g.n_followers, g.n_followees)


def test_csr_matches_scipy_transpose():
    """followers[j] is column j of the followee matrix."""
    rng = np.random.default_rng(5)
    u, v = rng.integers(0, 300, 2000), rng.integers(0, 300, 2000)
    g = from_edges(300, u, v, directed=True)
    keep = u != v
    a = sparse.coo_matrix((np.ones(keep.sum()), (u[keep], v[keep])), shape=(300, 300)).tocsr()
    a.data[:] = 1
    a.sum_duplicates()
    a.data[:] = 1
    at = a.T.tocsr()
    assert np.array_equal(np.diff(at.indptr), g.n_followers)
    for j in range(300):
        assert sorted(at.indices[at.indptr[j]:at.indptr[j + 1]]) == g.followers_of(j).tolist()
    assert np.array_equal(np.asarray(a.sum(axis=1)).ravel(), g.n_followees)


def test_reads_the_snap_ego_facebook_graph():
    """SNAP documents 4,039 users and 88,234 undirected edges."""
    g = read_edgelist(ROOT_DATA / "ego-facebook.txt", directed=False)
    assert g.n_users == 4039
    assert len(g.followers) == 2 * 88234


def test_reads_csv_and_tsv_with_comments(tmp_path):
    (tmp_path / "a.csv").write_text("# comment\n10,20\n20,30\n")
    (tmp_path / "b.tsv").write_text("% comment\n10\t20\n20\t30\n")
    for name in ("a.csv", "b.tsv"):
        g = read_edgelist(tmp_path / name, directed=True)
        assert g.n_users == 3
        # "10 20": 10 follows 20, so 10 is among 20's followers (ids map to 0, 1, 2 in order).
        assert g.followers_of(1).tolist() == [0] and g.followers_of(2).tolist() == [1]
        assert g.followers_of(0).tolist() == []


@pytest.mark.parametrize("content", [b"1 2\nthree four\n", b"", b"\x00\x01\x02", b"# only a comment\n"])
def test_bad_edge_lists_give_one_line_errors(tmp_path, content):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(EdgeListError) as err:
        read_edgelist(path, directed=False)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def _reference_graph(n, u, v, directed):
    """The CSR by plain NumPy (lexicographic sort of (poster, follower) pairs, duplicates and self-loops dropped),
    independent of the in-place key sort the model uses."""
    u, v = np.asarray(u, np.int64), np.asarray(v, np.int64)
    keep = u != v
    u, v = u[keep], v[keep]
    if not directed:
        u, v = np.concatenate([u, v]), np.concatenate([v, u])
    pairs = np.unique(np.stack([v, u], axis=1), axis=0) if len(u) else np.empty((0, 2), np.int64)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(pairs[:, 0], minlength=n))])
    follower = pairs[:, 1]
    if directed:
        back = np.unique(np.stack([pairs[:, 1], pairs[:, 0]], axis=1), axis=0) if len(pairs) else pairs
        return indptr, follower, np.concatenate([[0], np.cumsum(np.bincount(back[:, 0], minlength=n))]), back[:, 1]
    return indptr, follower, indptr, follower


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_the_graph_build_equals_a_plain_sort_of_the_follows(seed, directed):
    """Random edge lists with self-loops, repeats and both orientations of a pair: the same CSR as NumPy's
    lexicographic unique of (poster, follower), with int32 followers."""
    from model.network import from_edges

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    m = int(rng.integers(0, 4 * n))
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    graph = from_edges(n, u.astype(np.int32 if seed % 2 else np.int64), v, directed=directed)
    indptr, follower, followee_indptr, followees = _reference_graph(n, u, v, directed)
    assert graph.followers.dtype == np.int32 and graph.indptr.dtype == np.int64
    np.testing.assert_array_equal(graph.indptr, indptr)
    np.testing.assert_array_equal(graph.followers, follower)
    np.testing.assert_array_equal(graph.followee_indptr, followee_indptr)
    np.testing.assert_array_equal(graph.followees, followees)
    np.testing.assert_array_equal(graph.n_followees, np.diff(followee_indptr))


@pytest.mark.parametrize(("n", "m"), [(3000, 5), (120, 115)])  # (120, 115) runs out of its first budget
def test_barabasi_albert_drawn_in_chunks_equals_one_draw_and_reports_its_progress(monkeypatch, n, m):
    """The uniforms drawn a few at a time give the graph, and leave the generator in the state, of one draw of
    the whole budget; the build reports a share that only grows, up to 1."""
    import model.generators as network

    def built(chunk, building=None):
        monkeypatch.setattr(network, "BA_CHUNK", chunk)
        rng = np.random.default_rng(11)
        u, v = network.barabasi_albert_edges(n, m, rng, building)
        return np.asarray(u).copy(), np.asarray(v).copy(), rng.random(4)

    shares = []
    whole, chunked = built(1 << 40), built(7, shares.append)
    for a, b in zip(whole, chunked, strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(whole[0]) == m + (n - m - 1) * m
    graph_shares = []
    network.generate("barabasi_albert", n, 2 * m, 0.0, False, np.random.default_rng(11), graph_shares.append)
    assert shares[-1] == 1.0 and graph_shares[-1] == 1.0
    if n > 1000:  # one attempt: the share never goes back
        assert np.all(np.diff(shares) >= 0) and np.all(np.diff(graph_shares) >= 0), graph_shares
