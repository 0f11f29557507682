"""The coverage arithmetic: distances, decay weights, 2SFCA/E2SFCA, nearest provider (no store)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from graph_model.coverage.methods import (
    STEPPED_WEIGHTS, Catchment, Decay, decay_weights, distance_matrix_km, floating_catchment, nearest_km)

# ---------------------------------------------------------------------------------------------
# Worked by hand: three demand points, two providers, radius 30 km.
#
#   people P = (100, 200, 300)      capacity S = (6, 4)
#
#   distances (km)   provider 1   provider 2
#   point 1                   0           15
#   point 2                  15           30   <- exactly at the radius: inside
#   point 3                  45            0   <- 45 is beyond the radius
# ---------------------------------------------------------------------------------------------
PEOPLE = np.array([100.0, 200.0, 300.0])
CAPACITY = np.array([6.0, 4.0])
DIST = np.array([[0.0, 15.0], [15.0, 30.0], [45.0, 0.0]])
RADIUS = 30.0


def _floats(values: list[Fraction]) -> list[float]:
    return [float(v) for v in values]


def test_hand_example_uniform() -> None:
    # W = [[1, 1], [1, 1], [0, 1]]                     (30 <= 30 counts, 45 does not)
    # step 1: provider 1 reaches points 1, 2: R1 = 6 / (100 + 200)       = 6/300 = 1/50
    #         provider 2 reaches all three:   R2 = 4 / (100 + 200 + 300) = 4/600 = 1/150
    # step 2: A1 = R1 + R2 = 1/50 + 1/150 = 4/150 = 2/75
    #         A2 = R1 + R2 = 2/75
    #         A3 = R2      = 1/150
    # check: 100·2/75 + 200·2/75 + 300·1/150 = 8/3 + 16/3 + 2 = 10 = 6 + 4
    result = floating_catchment(PEOPLE, CAPACITY, DIST, RADIUS, Decay.UNIFORM)
    assert isinstance(result, Catchment)
    assert result.weights.tolist() == [[1.0, 1.0], [1.0, 1.0], [0.0, 1.0]]
    assert result.provider_ratio.tolist() == pytest.approx(_floats([Fraction(1, 50), Fraction(1, 150)]))
    assert result.accessibility.tolist() == pytest.approx(
        _floats([Fraction(2, 75), Fraction(2, 75), Fraction(1, 150)]))


def test_hand_example_stepped() -> None:
    # Zones of the 30 km radius: [0, 10] -> 1, (10, 20] -> 0.68 = 17/25, (20, 30] -> 0.22 = 11/50.
    # W = [[1, 17/25], [17/25, 11/50], [0, 1]]
    # step 1: R1 = 6 / (100·1 + 200·17/25)                = 6 / 236 = 3/118
    #         R2 = 4 / (100·17/25 + 200·11/50 + 300·1)   = 4 / (68 + 44 + 300) = 4/412 = 1/103
    # step 2: A1 = 3/118 + 17/25 · 1/103    = 3/118 + 17/2575  = 9731/303850
    #         A2 = 17/25 · 3/118 + 11/50 · 1/103 = 51/2950 + 11/5150 = 2951/151925
    #         A3 = 1/103
    # check: 100·9731/303850 + 200·2951/151925 + 300/103 = 10 (the supply, 6 + 4)
    result = floating_catchment(PEOPLE, CAPACITY, DIST, RADIUS, Decay.STEPPED)
    assert result.weights.tolist() == [[1.0, 0.68], [0.68, 0.22], [0.0, 1.0]]
    assert result.provider_ratio.tolist() == pytest.approx(_floats([Fraction(3, 118), Fraction(1, 103)]))
    assert result.accessibility.tolist() == pytest.approx(
        _floats([Fraction(9731, 303850), Fraction(2951, 151925), Fraction(1, 103)]))
    assert float(PEOPLE @ result.accessibility) == pytest.approx(10.0)


def test_hand_example_gaussian() -> None:
    # Dai's weight with d0 = 30: w(d) = (e^(-(d/30)²/2) - e^(-1/2)) / (1 - e^(-1/2)), 0 beyond.
    #   w(0) = 1;  w(30) = 0 (at the radius: inside, but weighted 0);  w(45) = 0 (beyond)
    #   w(15) = a = (e^(-1/8) - e^(-1/2)) / (1 - e^(-1/2))  ≈ 0.70137
    # W = [[1, a], [a, 0], [0, 1]]
    # step 1: R1 = 6 / (100 + 200a)           R2 = 4 / (100a + 300)
    # step 2: A1 = R1 + a·R2 = 6/(100 + 200a) + 4a/(300 + 100a)
    #         A2 = a·R1      = 6a/(100 + 200a)
    #         A3 = R2        = 4/(300 + 100a)
    a = (math.exp(-1 / 8) - math.exp(-1 / 2)) / (1 - math.exp(-1 / 2))
    result = floating_catchment(PEOPLE, CAPACITY, DIST, RADIUS, Decay.GAUSSIAN)
    assert result.weights == pytest.approx(np.array([[1.0, a], [a, 0.0], [0.0, 1.0]]), abs=1e-15)
    assert result.weights[1, 1] == 0.0 and result.weights[2, 0] == 0.0
    assert result.provider_ratio.tolist() == pytest.approx([6 / (100 + 200 * a), 4 / (100 * a + 300)])
    assert result.accessibility.tolist() == pytest.approx(
        [6 / (100 + 200 * a) + 4 * a / (300 + 100 * a), 6 * a / (100 + 200 * a), 4 / (300 + 100 * a)])
    assert float(PEOPLE @ result.accessibility) == pytest.approx(10.0)


def test_decay_given_by_name() -> None:
    by_name = floating_catchment(PEOPLE, CAPACITY, DIST, RADIUS, "STEPPED")  # type: ignore[arg-type]
    assert by_name.accessibility.tolist() == floating_catchment(
        PEOPLE, CAPACITY, DIST, RADIUS, Decay.STEPPED).accessibility.tolist()


def test_unreached_provider_and_point() -> None:
    # A third provider 100 km from everyone serves nobody: R3 = 0, and nothing else changes;
    # a fourth demand point 100 km from every provider gets 0.
    dist = np.vstack([np.hstack([DIST, [[100.0], [100.0], [100.0]]]), [[100.0, 100.0, 100.0]]])
    result = floating_catchment(np.append(PEOPLE, 50.0), np.append(CAPACITY, 9.0), dist, RADIUS, Decay.UNIFORM)
    assert result.provider_ratio.tolist() == pytest.approx([1 / 50, 1 / 150, 0.0])
    assert result.accessibility.tolist() == pytest.approx([2 / 75, 2 / 75, 1 / 150, 0.0])


def test_gaussian_radius_is_reached_with_zero_weight() -> None:
    # One pair exactly at the radius: within reach, but Dai's weight there is 0, so the provider
    # has no weighted demand (R = 0) where the uniform catchment counts the pair in full.
    dist = np.array([[RADIUS]])
    gaussian = floating_catchment(np.array([10.0]), np.array([5.0]), dist, RADIUS, Decay.GAUSSIAN)
    uniform = floating_catchment(np.array([10.0]), np.array([5.0]), dist, RADIUS, Decay.UNIFORM)
    assert gaussian.provider_ratio.tolist() == [0.0] and gaussian.accessibility.tolist() == [0.0]
    assert uniform.provider_ratio.tolist() == [0.5] and uniform.accessibility.tolist() == [0.5]


# ---------------------------------------------------------------------------------------------
# The published invariant: Σ_i P_i A_i = Σ_j S_j over the providers with weighted demand in reach.
# ---------------------------------------------------------------------------------------------
def _random_case(seed: int, points: int, providers: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    people = rng.integers(0, 5_000, points).astype(float)
    capacity = rng.integers(0, 60, providers).astype(float)
    # about 300 km square around (36.35 N, 51.65 E)
    lat_a, lon_a = rng.uniform(35.0, 37.7, points), rng.uniform(50.0, 53.3, points)
    lat_b, lon_b = rng.uniform(35.0, 37.7, providers), rng.uniform(50.0, 53.3, providers)
    return people, capacity, distance_matrix_km(lat_a, lon_a, lat_b, lon_b)


@pytest.mark.parametrize("decay", list(Decay))
@pytest.mark.parametrize("radius", [25.0, 60.0, 150.0, 500.0])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_supply_is_conserved(seed: int, radius: float, decay: Decay) -> None:
    people, capacity, dist = _random_case(seed, 60, 25)
    result = floating_catchment(people, capacity, dist, radius, decay)
    served = (people @ result.weights) > 0
    total = float(people @ result.accessibility)
    assert total == pytest.approx(float(capacity[served].sum()), rel=1e-12)
    assert np.all(result.provider_ratio[~served] == 0.0)
    if served.all():  # every provider has demand within reach: the whole supply is handed out
        assert total == pytest.approx(float(capacity.sum()), rel=1e-12)
        weighted_mean = float(np.average(result.accessibility, weights=people))
        assert weighted_mean == pytest.approx(capacity.sum() / people.sum(), rel=1e-12)
    # a 500 km radius reaches every pair of the 300 km square; a 25 km one leaves many out
    if radius == 500.0:
        assert served.all()
    if radius == 25.0:
        assert not (result.weights > 0).all()


def test_matches_brute_force_sums() -> None:
    # The formula spelled out pair by pair, against the vectorised products.
    people, capacity, dist = _random_case(7, 12, 5)
    result = floating_catchment(people, capacity, dist, 80.0, Decay.GAUSSIAN)
    weights = decay_weights(dist, 80.0, Decay.GAUSSIAN)
    ratio = []
    for j in range(5):
        demand = sum(people[k] * weights[k, j] for k in range(12))
        ratio.append(capacity[j] / demand if demand > 0 else 0.0)
    access = [sum(ratio[j] * weights[i, j] for j in range(5)) for i in range(12)]
    assert result.provider_ratio.tolist() == pytest.approx(ratio, rel=1e-12)
    assert result.accessibility.tolist() == pytest.approx(access, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# Against the pysal ``access`` package (its 2SFCA and E2SFCA on a cost table of our distances).
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("decay", list(Decay))
@pytest.mark.parametrize("radius", [40.0, 120.0])
def test_agrees_with_pysal_access(radius: float, decay: Decay) -> None:
    import access  # a test dependency (pyproject.toml): a missing one fails rather than skips
    import pandas as pd
    rng = np.random.default_rng(2024)
    points, providers = 40, 15
    people = rng.integers(100, 20_000, points).astype(float)
    capacity = rng.integers(1, 80, providers).astype(float)
    dist = distance_matrix_km(rng.uniform(35.0, 37.7, points), rng.uniform(50.0, 53.3, points),
                              rng.uniform(35.0, 37.7, providers), rng.uniform(50.0, 53.3, providers))

    point_ids = [f"d{i}" for i in range(points)]
    provider_ids = [f"s{j}" for j in range(providers)]
    # indexed already (index=True below): access's own set_index(inplace=True) warns on pandas 3
    demand_df = pd.DataFrame({"pop": people}, index=pd.Index(point_ids, name="geoid"))
    supply_df = pd.DataFrame({"cap": capacity}, index=pd.Index(provider_ids, name="geoid"))
    cost_df = pd.DataFrame({"origin": np.repeat(point_ids, providers), "dest": np.tile(provider_ids, points),
                            "cost": dist.ravel()})
    model = access.Access(demand_df=demand_df, demand_index=True, demand_value="pop",
                          supply_df=supply_df, supply_index=True, supply_value="cap",
                          cost_df=cost_df, cost_origin="origin", cost_dest="dest", cost_name="cost")
    # access keeps only pairs with cost <= max_cost and multiplies by weight_fn(cost) in both steps,
    # with no normalisation (normalize=False): the same E2SFCA. Its step function is inclusive at
    # each threshold like ours; its gaussian is the plain exp(-d²/2σ²), which Dai's shifts and
    # rescales to reach 0 at the radius, so that rescaling is applied here.
    if decay is Decay.UNIFORM:
        theirs = model.two_stage_fca(name="fca", max_cost=radius)
    elif decay is Decay.STEPPED:
        steps = access.weights.step_fn(dict(zip([radius / 3, 2 * radius / 3, radius], STEPPED_WEIGHTS, strict=True)))
        theirs = model.enhanced_two_stage_fca(name="fca", max_cost=radius, weight_fn=steps)
    else:
        plain = access.weights.gaussian(sigma=radius)
        theirs = model.enhanced_two_stage_fca(
            name="fca", max_cost=radius, weight_fn=lambda d: (plain(d) - plain(radius)) / (1 - plain(radius)))
    # demand points with no provider in reach come back as NaN there, 0 here
    expected = theirs["fca_cap"].reindex(point_ids).fillna(0.0).to_numpy()

    ours = floating_catchment(people, capacity, dist, radius, decay).accessibility
    assert np.count_nonzero(ours) >= points // 4  # the case is not trivially empty
    assert ours == pytest.approx(expected, rel=1e-9, abs=1e-15)


# ---------------------------------------------------------------------------------------------
# Distances
# ---------------------------------------------------------------------------------------------
def test_known_distances() -> None:
    # Tehran 35.6892 N 51.3890 E to Mashhad 36.2605 N 59.6168 E: 742.89 km on the great circle
    # (haversine with R = 6371.0088 km worked out separately with math.*: 742.8916 km).
    tehran_mashhad = distance_matrix_km(np.array([35.6892]), np.array([51.3890]),
                                        np.array([36.2605]), np.array([59.6168]))
    assert tehran_mashhad.shape == (1, 1)
    assert tehran_mashhad[0, 0] == pytest.approx(742.89, abs=0.5)
    assert tehran_mashhad[0, 0] == pytest.approx(742.8916, abs=1e-3)
    # antipodes: half the circumference, π·6371.0088 = 20015.11 km; and a point to itself: 0
    lat, lon = np.array([0.0, 90.0, 35.6892]), np.array([0.0, 0.0, 51.3890])
    other_lat, other_lon = np.array([0.0, -90.0, 35.6892]), np.array([180.0, 0.0, 51.3890])
    dist = distance_matrix_km(lat, lon, other_lat, other_lon)
    assert np.diag(dist).tolist() == pytest.approx([math.pi * 6371.0088, math.pi * 6371.0088, 0.0], abs=1e-6)
    assert dist[2, 2] == 0.0
    # one degree of longitude on the equator, either way round the date line
    assert distance_matrix_km(np.array([0.0]), np.array([179.5]), np.array([0.0]), np.array([-179.5]))[0, 0] \
        == pytest.approx(math.pi * 6371.0088 / 180, rel=1e-12)


def test_distance_matrix_shape_and_symmetry() -> None:
    rng = np.random.default_rng(5)
    lat_a, lon_a = rng.uniform(-60, 60, 4), rng.uniform(-180, 180, 4)
    lat_b, lon_b = rng.uniform(-60, 60, 7), rng.uniform(-180, 180, 7)
    ab = distance_matrix_km(lat_a, lon_a, lat_b, lon_b)
    ba = distance_matrix_km(lat_b, lon_b, lat_a, lon_a)
    assert ab.shape == (4, 7)
    assert ab == pytest.approx(ba.T, rel=1e-12)
    # each entry as the textbook haversine with math.* gives it
    for i in range(4):
        for j in range(7):
            p1, l1, p2, l2 = map(math.radians, (lat_a[i], lon_a[i], lat_b[j], lon_b[j]))
            h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
            assert ab[i, j] == pytest.approx(2 * 6371.0088 * math.asin(math.sqrt(h)), rel=1e-12)
    # more rows than one computing block (16) still fill every row
    many = distance_matrix_km(np.zeros(37), np.zeros(37), np.array([1.0]), np.array([0.0]))
    assert many[:, 0] == pytest.approx(np.full(37, math.pi * 6371.0088 / 180), rel=1e-12)


def test_distance_matrix_empty_sides() -> None:
    empty = np.array([])
    assert distance_matrix_km(empty, empty, np.array([1.0]), np.array([2.0])).shape == (0, 1)
    assert distance_matrix_km(np.array([1.0]), np.array([2.0]), empty, empty).shape == (1, 0)


def test_distance_matrix_rejects_bad_coordinates() -> None:
    with pytest.raises(ValueError, match="lat_a and lon_a must be 1-D arrays of one length"):
        distance_matrix_km(np.array([1.0, 2.0]), np.array([1.0]), np.array([1.0]), np.array([1.0]))
    with pytest.raises(ValueError, match=r"lat_b must be latitudes in degrees, within \[-90, 90\]"):
        distance_matrix_km(np.array([1.0]), np.array([1.0]), np.array([91.0]), np.array([1.0]))
    with pytest.raises(ValueError, match="lat_a and lon_a must be finite"):
        distance_matrix_km(np.array([1.0]), np.array([np.nan]), np.array([1.0]), np.array([1.0]))


# ---------------------------------------------------------------------------------------------
# Decay weights at their edges
# ---------------------------------------------------------------------------------------------
def _weight(d: float, decay: Decay, radius: float = RADIUS) -> float:
    return float(decay_weights(np.array([[d]]), radius, decay)[0, 0])


def _above(d: float) -> float:
    """The next float after ``d``: the smallest step beyond a boundary."""
    return float(np.nextafter(d, math.inf))


def test_weights_at_zero_radius_and_beyond() -> None:
    just_beyond = _above(RADIUS)
    for decay in Decay:
        assert _weight(0.0, decay) == 1.0
        assert _weight(just_beyond, decay) == 0.0
        assert _weight(math.inf, decay) == 0.0  # inf: never within reach
    # the radius itself is inside: full weight for UNIFORM, the last zone for STEPPED, and
    # Dai's Gaussian is exactly 0 there by construction
    assert _weight(RADIUS, Decay.UNIFORM) == 1.0
    assert _weight(RADIUS, Decay.STEPPED) == STEPPED_WEIGHTS[2]
    assert _weight(RADIUS, Decay.GAUSSIAN) == 0.0


def test_stepped_zone_boundaries() -> None:
    # radius 30: zones [0, 10], (10, 20], (20, 30]; a boundary belongs to the nearer zone
    assert [_weight(d, Decay.STEPPED) for d in (5.0, 10.0, _above(10.0), 20.0, _above(20.0), 25.0, 30.0)] \
        == [1.0, 1.0, 0.68, 0.68, 0.22, 0.22, 0.22]
    # a radius that thirds do not divide exactly (7 km): the same zones at 7/3 and 14/3
    assert [_weight(d, Decay.STEPPED, 7.0) for d in (7 / 3, _above(7 / 3), 14 / 3, _above(14 / 3), 7.0)] \
        == [1.0, 0.68, 0.68, 0.22, 0.22]


def test_gaussian_follows_dai() -> None:
    d = np.linspace(0.0, 2 * RADIUS, 121)
    weights = decay_weights(d.reshape(11, 11), RADIUS, Decay.GAUSSIAN).ravel()
    dai = [(math.exp(-0.5 * (x / RADIUS) ** 2) - math.exp(-0.5)) / (1 - math.exp(-0.5)) if x <= RADIUS else 0.0
           for x in d]
    assert weights.tolist() == pytest.approx(dai, abs=1e-15)
    assert np.all(np.diff(weights) <= 0) and weights.min() >= 0.0 and weights.max() <= 1.0


def test_gaussian_sparse_and_dense_paths_agree() -> None:
    # Few pairs within reach take the gather/scatter path, many the whole-matrix one.
    rng = np.random.default_rng(11)
    dist = rng.uniform(0.0, 100.0, (30, 40))
    sparse = decay_weights(dist, 10.0, Decay.GAUSSIAN)  # ~10% within reach
    dense = decay_weights(dist, 90.0, Decay.GAUSSIAN)  # ~90% within reach
    for radius, weights in ((10.0, sparse), (90.0, dense)):
        x = np.minimum(dist / radius, 1.0)
        dai = (np.exp(-0.5 * x**2) - math.exp(-0.5)) / (1 - math.exp(-0.5))
        assert weights == pytest.approx(np.where(dist <= radius, dai, 0.0), abs=1e-15)
    for radius in (10.0, 90.0):
        zones = np.select([dist <= radius / 3, dist <= 2 * radius / 3, dist <= radius], list(STEPPED_WEIGHTS), 0.0)
        assert decay_weights(dist, radius, Decay.STEPPED).tolist() == zones.tolist()


def test_weights_leave_distances_alone() -> None:
    dist = DIST.copy()
    for decay in Decay:
        decay_weights(dist, RADIUS, decay)
        floating_catchment(PEOPLE, CAPACITY, dist, RADIUS, decay)
    assert dist.tolist() == DIST.tolist()


# ---------------------------------------------------------------------------------------------
# Nearest provider, empty cases, errors
# ---------------------------------------------------------------------------------------------
def test_nearest_km() -> None:
    dist = np.array([[5.0, 2.0, 9.0], [7.0, 1.0, 3.0]])
    assert nearest_km(dist, np.array([1.0, 1.0, 1.0])).tolist() == [2.0, 1.0]
    # the closest provider has no capacity: the next one counts
    assert nearest_km(dist, np.array([4.0, 0.0, 2.0])).tolist() == [5.0, 3.0]
    assert nearest_km(dist, np.zeros(3)).tolist() == [math.inf, math.inf]
    assert nearest_km(np.empty((2, 0)), np.empty(0)).tolist() == [math.inf, math.inf]
    assert nearest_km(np.empty((0, 3)), np.ones(3)).shape == (0,)


def test_no_providers() -> None:
    result = floating_catchment(PEOPLE, np.empty(0), np.empty((3, 0)), RADIUS, Decay.GAUSSIAN)
    assert result.accessibility.tolist() == [0.0, 0.0, 0.0]
    assert result.provider_ratio.shape == (0,) and result.weights.shape == (3, 0)


def test_no_demand_points() -> None:
    for decay in Decay:
        result = floating_catchment(np.empty(0), CAPACITY, np.empty((0, 2)), RADIUS, decay)
        assert result.accessibility.shape == (0,)
        assert result.provider_ratio.tolist() == [0.0, 0.0]


def test_nobody_in_need() -> None:
    result = floating_catchment(np.zeros(3), CAPACITY, DIST, RADIUS, Decay.UNIFORM)
    assert result.provider_ratio.tolist() == [0.0, 0.0]
    assert result.accessibility.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("radius", [0.0, -5.0, math.nan, math.inf])
def test_bad_radius(radius: float) -> None:
    with pytest.raises(ValueError, match="radius_km must be a positive finite number of km"):
        floating_catchment(PEOPLE, CAPACITY, DIST, radius, Decay.UNIFORM)
    with pytest.raises(ValueError, match="radius_km must be a positive finite number of km"):
        decay_weights(DIST, radius, Decay.GAUSSIAN)


def test_bad_amounts_and_shapes() -> None:
    with pytest.raises(ValueError, match=r"people must not be negative \(smallest is -1\)"):
        floating_catchment(np.array([100.0, -1.0, 3.0]), CAPACITY, DIST, RADIUS, Decay.UNIFORM)
    with pytest.raises(ValueError, match=r"capacity must not be negative \(smallest is -2\)"):
        floating_catchment(PEOPLE, np.array([-2.0, 1.0]), DIST, RADIUS, Decay.UNIFORM)
    with pytest.raises(ValueError, match="people must be finite numbers"):
        floating_catchment(np.array([1.0, math.nan, 3.0]), CAPACITY, DIST, RADIUS, Decay.UNIFORM)
    with pytest.raises(ValueError, match=r"dist_km has shape \(3, 2\), but people gives 2 demand points "
                                         r"and capacity 2 providers: expected \(2, 2\)"):
        floating_catchment(PEOPLE[:2], CAPACITY, DIST, RADIUS, Decay.UNIFORM)
    with pytest.raises(ValueError, match=r"expected \(3, 3\)"):
        floating_catchment(PEOPLE, np.ones(3), DIST, RADIUS, Decay.UNIFORM)
    with pytest.raises(ValueError, match="people must be a 1-D array"):
        floating_catchment(PEOPLE.reshape(3, 1), CAPACITY, DIST, RADIUS, Decay.UNIFORM)
    with pytest.raises(ValueError, match="dist_km must be a 2-D array"):
        floating_catchment(PEOPLE, CAPACITY, DIST.ravel(), RADIUS, Decay.UNIFORM)
    with pytest.raises(ValueError, match=r"dist_km has shape \(3, 2\), but dist_km gives 3 demand points "
                                         r"and capacity 3 providers"):
        nearest_km(DIST, np.ones(3))


@pytest.mark.parametrize("bad", [-1.0, math.nan])
def test_bad_distances(bad: float) -> None:
    dist = DIST.copy()
    dist[1, 0] = bad
    with pytest.raises(ValueError, match=r"dist_km must hold non-negative distances \(no NaN\)"):
        floating_catchment(PEOPLE, CAPACITY, dist, RADIUS, Decay.STEPPED)
    with pytest.raises(ValueError, match=r"dist_km must hold non-negative distances \(no NaN\)"):
        nearest_km(dist, CAPACITY)


def test_unknown_decay() -> None:
    with pytest.raises(ValueError, match="'LINEAR' is not a valid Decay"):
        decay_weights(DIST, RADIUS, "LINEAR")  # type: ignore[arg-type]
