//! Properties of the world's rules over random crowds: interest is
//! symmetric within a tier, no update reaches a client outside its sight,
//! hysteresis prevents flapping, moves are clamped and stay out of the sea,
//! muted and blocked people are never heard, and chat limits hold.

use mangrove_core::UserId;
use mangrove_world::chat::{BURST_MESSAGES, MESSAGE_CHARS_MAX, REFILL_MS};
use mangrove_world::interest::{next_tier, SIGHT_CM};
use mangrove_world::movement::reach_cm;
use mangrove_world::world::TICK_MS;
use mangrove_world::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Land 600 m × 300 m with the sea east of 500 m, and two named places.
fn shore() -> Arc<Terrain> {
    let mut terrain = Terrain::sea(Point::default(), 500, 1_200, 600);
    terrain.paint(
        &[Point::metres(0, 0), Point::metres(500, 0), Point::metres(500, 300), Point::metres(0, 300)],
        Ground::Land,
    );
    let places = [
        ("city_centre", Point::metres(100, 150)),
        ("mangrove", Point::metres(480, 20)),
        ("market", Point::metres(250, 150)),
    ];
    for (key, point) in places {
        terrain.places.push(Place { key: key.into(), name_en: key.into(), name_th: key.into(), point });
    }
    Arc::new(terrain)
}

#[derive(Debug, Clone)]
enum Step {
    Move { who: u32, east_m: i32, north_m: i32, running: bool },
    Travel { who: u32, mangrove: bool },
    Say { who: u32, long: bool },
    Mute { who: u32, whom: u32, block: bool },
    Unmute { who: u32, whom: u32 },
    Leave { who: u32 },
    Rejoin { who: u32 },
    Wait { ticks: u8 },
}

fn step(crowd: u32) -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0..crowd, -40..640i32, -40..340i32, any::<bool>())
            .prop_map(|(who, east_m, north_m, running)| Step::Move { who, east_m, north_m, running }),
        1 => (0..crowd, any::<bool>()).prop_map(|(who, mangrove)| Step::Travel { who, mangrove }),
        3 => (0..crowd, prop::bool::weighted(0.1)).prop_map(|(who, long)| Step::Say { who, long }),
        1 => (0..crowd, 0..crowd, any::<bool>()).prop_map(|(who, whom, block)| Step::Mute { who, whom, block }),
        1 => (0..crowd, 0..crowd).prop_map(|(who, whom)| Step::Unmute { who, whom }),
        1 => (0..crowd).prop_map(|who| Step::Leave { who }),
        1 => (0..crowd).prop_map(|who| Step::Rejoin { who }),
        2 => (1..30u8).prop_map(|ticks| Step::Wait { ticks }),
    ]
}

/// Client `c` is user `c + 1`, except every fourth, a guest.
fn user_of(client: u32) -> Option<UserId> {
    (client % 4 != 3).then_some(UserId(u64::from(client) + 1))
}

fn join(client: u32) -> Input {
    Input::Join {
        client, user: user_of(client), name: format!("ผู้มาเยือน {client}"), appearance: Appearance::default()
    }
}

struct Run {
    world: World,
    now_ms: i64,
    outputs: Vec<(i64, Output)>,
}

impl Run {
    fn tick(&mut self, inputs: Vec<Input>) -> Vec<Output> {
        self.now_ms += TICK_MS;
        let out = self.world.tick(self.now_ms, inputs);
        self.outputs.extend(out.iter().cloned().map(|o| (self.now_ms, o)));
        out
    }
}

/// Runs the steps, one input per tick, checking what every tick must hold.
fn run(crowd: u32, steps: &[Step]) -> Result<Run, TestCaseError> {
    let mut run = Run { world: World::new(shore()), now_ms: 0, outputs: Vec::new() };
    run.tick((0..crowd).map(join).collect());
    for step in steps {
        let before: BTreeMap<ClientId, Point> = run.world.avatars().map(|(c, a)| (c, a.at)).collect();
        let moved_at: BTreeMap<ClientId, i64> = run.world.avatars().map(|(c, a)| (c, a.moved_at_ms)).collect();
        let mut travelled = None;
        let inputs = match step {
            Step::Move { who, east_m, north_m, running } => {
                vec![Input::Move { client: *who, to: Point::metres(*east_m, *north_m), running: *running }]
            }
            Step::Travel { who, mangrove } => {
                travelled = Some(*who);
                vec![Input::Travel { client: *who, place: if *mangrove { "mangrove" } else { "nowhere" }.into() }]
            }
            Step::Say { who, long } => {
                let text =
                    if *long { "ก".repeat(MESSAGE_CHARS_MAX + 1) } else { format!("สวัสดี from {who}") };
                vec![Input::Say { client: *who, channel: Channel::Nearby, text }]
            }
            Step::Mute { who, whom, block } => {
                let whom = UserId(u64::from(*whom) + 1);
                vec![if *block { Input::Block { client: *who, whom } } else { Input::Mute { client: *who, whom } }]
            }
            Step::Unmute { who, whom } => vec![Input::Unmute { client: *who, whom: UserId(u64::from(*whom) + 1) }],
            Step::Leave { who } => vec![Input::Leave { client: *who }],
            Step::Rejoin { who } => vec![join(*who)],
            Step::Wait { ticks } => {
                for _ in 1..*ticks {
                    run.tick(Vec::new());
                    check_sight(&run.world)?;
                }
                Vec::new()
            }
        };
        let out = run.tick(inputs);
        if let Step::Move { who, running, .. } = step {
            if let (Some(from), Some(avatar)) = (before.get(who), run.world.avatar(*who)) {
                let elapsed = run.now_ms - moved_at[who];
                prop_assert!(from.distance_cm(avatar.at) <= reach_cm(*running, elapsed) + 1, "a move went too far");
                prop_assert!(run.world.terrain().walkable(avatar.at), "an avatar walked into the sea");
            }
        }
        if travelled.is_none() {
            for (client, avatar) in run.world.avatars() {
                prop_assert!(run.world.terrain().walkable(avatar.at), "client {client} stands in the sea");
            }
        }
        check_sight(&run.world)?;
        check_updates(&run.world, &out)?;
    }
    Ok(run)
}

/// Interest is symmetric within a tier (nobody blocks anybody here, or the
/// check skips the pair) and nobody is seen beyond sight.
fn check_sight(world: &World) -> Result<(), TestCaseError> {
    for (viewer_id, viewer) in world.avatars() {
        for (other_id, seen) in viewer.in_sight() {
            let other = world.avatar(other_id).expect("one sees only avatars that are here");
            prop_assert!(viewer.at.distance_cm(other.at) <= SIGHT_CM, "seen beyond sight");
            let blocked = match (viewer.user, other.user) {
                (Some(a), Some(b)) => !world.silences().sees(b, a),
                _ => false,
            };
            if !blocked {
                let back = other.sees(viewer_id).map(|s| s.tier);
                prop_assert_eq!(back, Some(seen.tier), "{} sees {} but not back in the same tier", viewer_id, other_id);
            }
        }
    }
    Ok(())
}

/// No position update reaches a client about an avatar out of its sight,
/// or one it blocked.
fn check_updates(world: &World, out: &[Output]) -> Result<(), TestCaseError> {
    for output in out {
        let about = match &output.message {
            Outgoing::Appeared { avatar, at, .. } | Outgoing::Moved { avatar, at, .. } => Some((*avatar, *at)),
            _ => None,
        };
        if let Outgoing::Heard { from, .. } = &output.message {
            let listener = world.avatar(output.to).and_then(|a| a.user);
            if let (Some(listener), Some(speaker)) = (listener, user_of(*from)) {
                prop_assert!(world.silences().hears(listener, speaker), "a muted or blocked speaker was heard");
            }
        }
        let Some((avatar, at)) = about else { continue };
        let viewer = world.avatar(output.to).expect("updates go to avatars that are here");
        prop_assert!(viewer.at.distance_cm(at) <= SIGHT_CM, "an update reached {} from beyond sight", output.to);
        let subject = world.avatar(avatar).expect("updates are about avatars that are here");
        if let (Some(a), Some(b)) = (viewer.user, subject.user) {
            prop_assert!(world.silences().sees(a, b), "a blocked avatar was shown");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_crowd_keeps_the_rules(steps in prop::collection::vec(step(8), 1..120)) {
        let run = run(8, &steps)?;
        // Chat: only signed-in people are heard, never beyond the length
        // limit, never faster than the allowance, never by whoever muted or
        // blocked the speaker when it was said.
        let mut heard_from: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
        for (at_ms, output) in &run.outputs {
            if let Outgoing::Heard { from, text, .. } = &output.message {
                prop_assert!(user_of(*from).is_some(), "a guest was heard");
                prop_assert!(text.chars().count() <= MESSAGE_CHARS_MAX);
                if output.to == *from {
                    heard_from.entry(*from).or_default().push(*at_ms);
                }
            }
        }
        for times in heard_from.values() {
            for (i, first) in times.iter().enumerate() {
                let within = times[i..].iter().take_while(|t| **t - first < 10 * REFILL_MS).count();
                prop_assert!(within as i64 <= i64::from(BURST_MESSAGES) + 10, "spoke {within} times in ten refills");
            }
        }
    }

    #[test]
    fn hysteresis_never_flaps_back_on_a_small_step(
        start in prop::option::of(prop::sample::select(Tier::ALL.to_vec())),
        d1 in 0i64..30_000,
        step in -249i64..250,
    ) {
        let d2 = (d1 + step).max(0);
        let s1 = next_tier(start, d1);
        let s2 = next_tier(s1, d2);
        let s3 = next_tier(s2, d1);
        prop_assert_eq!(s3, s2, "a step of {} cm changed the tier and back", step);
    }
}

#[test]
fn a_muted_or_blocked_speaker_is_never_heard() {
    let mut world = World::new(shore());
    let inputs = (0..3).map(join).collect();
    world.tick(50, inputs);
    world.tick(100, vec![Input::Mute { client: 1, whom: UserId(1) }, Input::Block { client: 2, whom: UserId(1) }]);
    let out = world.tick(150, vec![Input::Say { client: 0, channel: Channel::Nearby, text: "hello".into() }]);
    let heard: Vec<ClientId> =
        out.iter().filter(|o| matches!(o.message, Outgoing::Heard { .. })).map(|o| o.to).collect();
    assert_eq!(heard, vec![0], "only the speaker hears themself");
    assert!(world.avatar(2).unwrap().sees(0).is_none(), "a blocked avatar is hidden");
    assert!(world.avatar(1).unwrap().sees(0).is_some(), "a muted avatar is still seen");
    world.tick(200, vec![Input::Unmute { client: 1, whom: UserId(1) }]);
    let out = world.tick(250, vec![Input::Say { client: 0, channel: Channel::Nearby, text: "again".into() }]);
    assert!(out.iter().any(|o| o.to == 1 && matches!(o.message, Outgoing::Heard { .. })));
}

#[test]
fn a_ban_removes_the_avatar_and_keeps_it_out() {
    let mut world = World::new(shore());
    world.tick(50, vec![join(0), join(1)]);
    let out = world.tick(100, vec![Input::Ban { user: UserId(1), until_ms: 10_000 }]);
    assert!(out.contains(&Output { to: 0, message: Outgoing::Removed { refusal: Refusal::Banned } }));
    assert!(out.contains(&Output { to: 1, message: Outgoing::Vanished { avatar: 0 } }));
    let out = world.tick(150, vec![join(0)]);
    assert_eq!(out, vec![Output { to: 0, message: Outgoing::Removed { refusal: Refusal::Banned } }]);
    let out = world.tick(10_050, vec![join(0)]);
    assert!(matches!(out[0].message, Outgoing::Welcome { .. }), "the ban ended");
    world.tick(10_100, vec![Input::Leave { client: 0 }, Input::Ban { user: UserId(1), until_ms: 99_000 }]);
    world.forget_bans();
    let out = world.tick(10_150, vec![join(0)]);
    assert!(matches!(out[0].message, Outgoing::Welcome { .. }), "a forgotten ban keeps nobody out");
}

#[test]
fn far_avatars_are_told_less_often_than_near_ones() {
    let mut world = World::new(shore());
    world.tick(50, (0..3).map(join).collect());
    // Client 1 stays beside the arrival point; client 2 goes to the market, 150 m away.
    let mut now = 100;
    world.tick(now, vec![Input::Travel { client: 2, place: "market".into() }]);
    assert_eq!(world.avatar(0).unwrap().sees(2).unwrap().tier, Tier::Far);
    let (mut near, mut far) = (0, 0);
    for _ in 0..40 {
        now += TICK_MS;
        let to1 = world.avatar(1).unwrap().at;
        let to2 = world.avatar(2).unwrap().at;
        let out = world.tick(
            now,
            vec![
                Input::Move { client: 1, to: Point::new(to1.east_cm, to1.north_cm + 20), running: false },
                Input::Move { client: 2, to: Point::new(to2.east_cm, to2.north_cm + 20), running: false },
            ],
        );
        near += out
            .iter()
            .filter(|o| {
                o.to == 0
                    && matches!(o.message, Outgoing::Moved { avatar: 1, at, .. } if at == world.avatar(1).unwrap().at)
            })
            .count();
        far += out.iter().filter(|o| o.to == 0 && matches!(o.message, Outgoing::Moved { avatar: 2, .. })).count();
    }
    assert_eq!(near, 40, "a near avatar's every step is sent");
    assert_eq!(far, 2, "a far one's once a second");
}
