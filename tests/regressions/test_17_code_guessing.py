"""Issue 17 item 11: invite and staff codes cannot be guessed at full speed.

Before the fix, 2,000 wrong codes were answered in 15 s, each one checked against the codes:
nothing stopped a guesser, and a right guess after 1,000 wrong ones still worked.
"""

from handlers.texts import t
from models.messages import Channel
from models.repos.staff import StaffRepo
from models.values import Role
from tests.chat_helpers import Chat


async def test_after_five_wrong_codes_a_person_waits_even_with_the_right_one(services, clock):
    invite = await StaffRepo(services.db).create_invite(
        Role.CASEWORKER, "西青区", "西青驿站", "cli", clock()
    )
    chat = Chat(services, user="9001", channel=Channel.TELEGRAM)
    for i in range(5):
        replies = await chat.say(f"加入 S{i:07d}")
        assert replies[0].text == t("caseworker.join.invalid")
    throttled = t("caseworker.code.throttled", minutes=10)
    for i in range(50):
        assert (await chat.say(f"加入 S{i + 100:07d}"))[0].text == throttled
    assert (await chat.say(f"加入 {invite.code}"))[0].text == throttled  # no oracle
    assert (await chat.say(invite.code))[0].text != t("caseworker.join.done")  # bare: not a code
    user = await services.users.get(chat.key)
    assert user is not None
    assert user.role is Role.SEEKER
    clock.advance(minutes=11)
    assert (await chat.say(f"加入 {invite.code}"))[0].text != throttled
    user = await services.users.get(chat.key)
    assert user is not None
    assert user.role is Role.CASEWORKER


async def test_one_channel_gets_60_wrong_codes_a_minute_across_all_its_users(services, clock):
    for i in range(60):
        chat = Chat(services, user=f"wx-{i}", channel=Channel.WECHAT)
        assert (await chat.say(f"邀请码 Q{i:05d}"))[0].text == t("caseworker.join.invalid")
    late = Chat(services, user="wx-late", channel=Channel.WECHAT)
    assert (await late.say("邀请码 QZZZZZ"))[0].text == t("caseworker.code.throttled", minutes=1)
    other = Chat(services, user="tg-1", channel=Channel.TELEGRAM)  # another channel: its own
    assert (await other.say("邀请码 QZZZZZ"))[0].text == t("caseworker.join.invalid")
    clock.advance(minutes=2)
    assert (await late.say("邀请码 QZZZZY"))[0].text == t("caseworker.join.invalid")
