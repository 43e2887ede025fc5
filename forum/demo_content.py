"""Demo content for the Brightwave customer-support community (pure data, used by the seed command)."""

from __future__ import annotations

CATEGORIES: list[dict] = [
    {
        "slug": "setup-and-installation",
        "name": "Setup & Installation",
        "description": "Unboxing, mounting, wiring and first-time pairing of Brightwave devices.",
        "position": 1,
    },
    {
        "slug": "connectivity-and-wifi",
        "name": "Connectivity & Wi-Fi",
        "description": "Hubs going offline, Wi-Fi and mesh networks, Zigbee range and firmware updates.",
        "position": 2,
    },
    {
        "slug": "app-and-account",
        "name": "App & Account",
        "description": "The Brightwave app on iOS and Android, logins, home sharing and notifications.",
        "position": 3,
    },
    {
        "slug": "billing-and-plans",
        "name": "Billing & Plans",
        "description": "Brightwave Plus subscriptions, invoices, refunds and what each plan includes.",
        "position": 4,
    },
    {
        "slug": "automations-and-integrations",
        "name": "Automations & Integrations",
        "description": "Schedules, scenes and routines, plus Alexa, Google Home, HomeKit and Home Assistant.",
        "position": 5,
    },
]

USERS: list[dict] = [
    {
        "username": "jordan_lee",
        "email": "jordan.lee@example.com",
        "role": "member",
        "bio": "Power user with 40-odd Brightwave devices across two floors. I answer questions on my lunch break.",
    },
    {
        "username": "nina.k",
        "email": "nina.k@example.com",
        "role": "member",
        "bio": "Just moved into my first house and bought the Brightwave starter kit. Learning as I go!",
    },
    {
        "username": "sparky_dave",
        "email": "dave.sparks@example.com",
        "role": "member",
        "bio": "Licensed electrician, twenty years of residential work. Happy to help with wiring; please turn the breaker off first.",
    },
    {
        "username": "tom.h",
        "email": "tom.harrington@example.com",
        "role": "member",
        "bio": "Retired mechanical engineer. I like my thermostat schedules precise to the minute.",
    },
    {
        "username": "kellyb",
        "email": "kelly.b@example.com",
        "role": "member",
        "bio": "Parent of three. The doorbell camera is how I find out who is at the door while I'm doing school pickup.",
    },
    {
        "username": "raj-patel",
        "email": "raj.patel@example.com",
        "role": "member",
        "bio": "Home Assistant tinkerer. If it has an API, I have probably scripted it.",
    },
    {
        "username": "lena_w",
        "email": "lena.w@example.com",
        "role": "member",
        "bio": "Renter in a 1920s apartment building: no drilling allowed and very thick walls.",
    },
    {
        "username": "mike_t",
        "email": "mike.t@example.com",
        "role": "member",
        "bio": "Bought the Hub bundle last spring. Things mostly work, and I'll tell you when they don't.",
    },
    {
        "username": "chen.wei",
        "email": "chen.wei@example.com",
        "role": "member",
        "bio": "Network engineer by day. Ask me about VLANs, DHCP leases and why your mesh is misbehaving.",
    },
    {
        "username": "olivia_r",
        "email": "olivia.r@example.com",
        "role": "member",
        "bio": "Low-vision iPhone user. I care a lot about VoiceOver and Siri working well with my smart home.",
    },
    {
        "username": "gus_m",
        "email": "gus.m@example.com",
        "role": "member",
        "bio": "Lives on a farm with satellite internet, so every product I own gets a patience test on latency.",
    },
    {
        "username": "hannah-b",
        "email": "hannah.b@example.com",
        "role": "member",
        "bio": "I run two vacation rentals and use Brightwave to handle check-ins, lights and thermostats remotely.",
    },
    {
        "username": "staff_sam",
        "email": "sam@example.com",
        "role": "staff",
        "bio": "Brightwave Support, Tier 2. I mostly look after Hub firmware and app issues.",
    },
    {
        "username": "staff_priya",
        "email": "priya@example.com",
        "role": "staff",
        "bio": "Brightwave Support lead for billing and accounts. Happy to dig into anything that needs our side.",
    },
    {
        "username": "mod_maria",
        "email": "maria@example.com",
        "role": "moderator",
        "bio": "Community manager at Brightwave. Keeping the forum friendly, tidy and useful.",
    },
    {
        "username": "admin_alex",
        "email": "alex@example.com",
        "role": "admin",
        "bio": "Runs the community platform at Brightwave. Ping me if something on the site itself looks broken.",
    },
]

QUESTIONS: list[dict] = [
    # 1
    {
        "title": "Thermostat says \"No C-wire detected\" after install. Do I need an adapter?",
        "category": "setup-and-installation",
        "tags": ["thermostat", "wiring"],
        "author": "kellyb",
        "age_hours": 340,
        "body": (
            "Swapped my old Honeywell for the Brightwave Thermostat this weekend. The screen comes on, "
            "but after about ten minutes it shows **No C-wire detected** and the battery icon starts dropping.\n\n"
            "My old thermostat only had four wires: `R`, `W`, `Y` and `G`. There's a blue wire folded back "
            "into the wall that wasn't connected to anything.\n\n"
            "Is that blue wire my C-wire, or do I need the power adapter kit?"
        ),
        "votes": {"up": 7, "down": 0},
        "answers": [
            {
                "author": "sparky_dave",
                "after_hours": 1.5,
                "body": (
                    "Good news: that folded-back blue wire is very often an unused common. Before you "
                    "connect it, check the other end at the furnace control board.\n\n"
                    "1. Turn the furnace off at its switch **and** the breaker.\n"
                    "2. Open the furnace panel and find where the thermostat cable lands.\n"
                    "3. If the blue conductor is cut short or tucked away there too, connect it to the "
                    "`C` terminal on the board (sometimes labelled `COM` or `B` on older units).\n"
                    "4. Connect the same blue wire to `C` on the Brightwave base plate.\n\n"
                    "| Terminal | Usual colour | What it does |\n"
                    "| --- | --- | --- |\n"
                    "| `R` / `Rh` | red | 24 V power |\n"
                    "| `C` | blue or black | common (return) |\n"
                    "| `W` | white | heat |\n"
                    "| `Y` | yellow | cooling |\n"
                    "| `G` | green | fan |\n\n"
                    "Colours are a convention, not a rule, so trust the board labels over the colours. "
                    "If there's no spare conductor at all, then yes, get the adapter kit."
                ),
                "up": 12,
                "down": 0,
                "accepted": True,
            },
            {
                "author": "jordan_lee",
                "after_hours": 5.0,
                "body": (
                    "Adding to Dave's answer: if you do end up needing it, support sent me the Brightwave "
                    "Power Adapter for free because my thermostat was less than 90 days old. You request it "
                    "on [the adapter page](https://example.com/support/thermostat/power-adapter) with your "
                    "order number."
                ),
                "up": 4,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 2
    {
        "title": "Hub drops offline every night around 2am and comes back by morning",
        "category": "connectivity-and-wifi",
        "tags": ["hub", "wifi"],
        "author": "mike_t",
        "age_hours": 120,
        "body": (
            "For about two weeks my Hub goes offline around 2:00 to 2:15am every single night. The app "
            "history shows \"Hub disconnected\" and it comes back at random times between 4 and 7am. "
            "That means my morning lights schedule fails about half the time.\n\n"
            "- Hub firmware `4.2.1`\n"
            "- Connected over Wi-Fi, about 6 m from the router\n"
            "- Nothing else in the house seems to drop\n\n"
            "I already power-cycled the Hub twice. What else can I try?"
        ),
        "votes": {"up": 9, "down": 0},
        "answers": [
            {
                "author": "chen.wei",
                "after_hours": 0.8,
                "body": (
                    "A drop at the same time every night almost always comes from the router, not the Hub. "
                    "Two usual suspects:\n\n"
                    "1. **Scheduled router reboot or auto-update.** Lots of ISP routers reboot themselves "
                    "at 2 or 3am. Check the router's maintenance settings.\n"
                    "2. **Short DHCP lease.** If the lease is 24 h and the Hub joined around 2am once, it "
                    "renews then. Some routers hand out a new address and the Hub takes a while to "
                    "re-register with the cloud.\n\n"
                    "Easy fix for #2: give the Hub a DHCP reservation in your router so its IP never "
                    "changes. Its MAC address is under *Settings → Hub → Network info* in the app.\n\n"
                    "If it's #1, the Hub should reconnect within a couple of minutes after the router comes "
                    "back. If it takes hours, that's worth reporting to support along with the Hub logs."
                ),
                "up": 11,
                "down": 0,
                "accepted": True,
            },
            {
                "author": "jordan_lee",
                "after_hours": 3.2,
                "body": (
                    "Seconding Chen. Mine did exactly this, and it turned out my ISP pushed firmware "
                    "updates to the router nightly. I plugged the Hub in over Ethernet and it now "
                    "reconnects in under a minute after the router reboots."
                ),
                "up": 5,
                "down": 0,
                "accepted": False,
            },
            {
                "author": "gus_m",
                "after_hours": 20.0,
                "body": "Have you tried a factory reset? That fixed a bunch of weird stuff for me.",
                "up": 0,
                "down": 2,
                "accepted": False,
            },
        ],
    },
    # 3
    {
        "title": "App can't find my Hub during first-time setup (Android)",
        "category": "setup-and-installation",
        "tags": ["hub", "setup", "android"],
        "author": "nina.k",
        "age_hours": 6,
        "body": (
            "Total beginner here, so sorry if this is obvious. The Hub light is pulsing blue like the "
            "quick-start card says, but the app just sits on **Searching for your Hub...** and then says "
            "nothing was found.\n\n"
            "Pixel 7, Android 14, Brightwave app 6.9.0. My phone is on our home Wi-Fi. I tried three times."
        ),
        "votes": {"up": 3, "down": 0},
        "answers": [
            {
                "author": "jordan_lee",
                "after_hours": 0.2,
                "body": (
                    "Not obvious at all, this trips up loads of people on newer Android versions. The app "
                    "finds the Hub over Bluetooth, and Android only allows that if the app has the "
                    "**Nearby devices** permission.\n\n"
                    "1. Long-press the Brightwave app icon → *App info* → *Permissions*.\n"
                    "2. Set **Nearby devices** to *Allow* (and **Location** to *While using the app*).\n"
                    "3. Make sure Bluetooth is switched on.\n"
                    "4. Force-stop the app, reopen it and start the setup again.\n\n"
                    "If you tapped \"Don't allow\" on the first run, Android won't ask again, which is why "
                    "it silently finds nothing."
                ),
                "up": 6,
                "down": 0,
                "accepted": True,
            },
            {
                "author": "olivia_r",
                "after_hours": 1.1,
                "body": (
                    "Also check that your phone is on the **2.4 GHz** network if your router splits the "
                    "bands into two names. The Hub can't join a 5 GHz-only network."
                ),
                "up": 2,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 4
    {
        "title": "How do I give my partner access without sharing my password?",
        "category": "app-and-account",
        "tags": ["account", "sharing"],
        "author": "lena_w",
        "age_hours": 700,
        "body": (
            "My partner moved in and wants to control the lights and thermostat from their own phone. "
            "Right now we're both logged into my account, which feels wrong, and every time one of us "
            "changes the password the other gets logged out.\n\n"
            "Is there a proper way to share a home?"
        ),
        "votes": {"up": 5, "down": 0},
        "answers": [
            {
                "author": "hannah-b",
                "after_hours": 2.0,
                "body": (
                    "Yes, use **Home Members**. Your partner creates their own free Brightwave account, "
                    "then you go to *Settings → Home → Members → Invite* and enter their email.\n\n"
                    "You can pick **Admin** (can add devices and change automations) or **Member** (can "
                    "only control devices). I use Member for my cleaners at the rentals and Admin for "
                    "my co-host. Details are in the [Home Members guide](https://example.com/help/home-members)."
                ),
                "up": 8,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 5
    {
        "title": "Charged twice for Brightwave Plus this month",
        "category": "billing-and-plans",
        "tags": ["billing", "subscription"],
        "author": "tom.h",
        "age_hours": 50,
        "body": (
            "My card statement shows two charges of $9.99 from BRIGHTWAVE*PLUS, on the 3rd and the 4th. "
            "The app only lists one invoice under *Settings → Subscription → Billing history*.\n\n"
            "I'm on the monthly plan and haven't changed anything. I'd like the duplicate refunded, "
            "please. I'd rather not post my card details here, obviously."
        ),
        "votes": {"up": 4, "down": 0},
        "answers": [
            {
                "author": "kellyb",
                "after_hours": 4.0,
                "body": (
                    "Same thing happened to me in March. The second charge was a pending authorization that "
                    "disappeared by itself after 3 business days. Check whether the one from the 4th is "
                    "still marked *pending* on your bank's site."
                ),
                "up": 3,
                "down": 0,
                "accepted": False,
            },
            {
                "author": "staff_priya",
                "after_hours": 6.5,
                "body": (
                    "Hi Tom, sorry about this. We had a payment processor retry issue on the 4th that "
                    "affected a small number of monthly renewals. I've found your account from your forum "
                    "email and issued a refund for the duplicate charge; it usually shows up within 5 to 10 "
                    "business days depending on your bank.\n\n"
                    "No need to share any card details here. If the refund hasn't appeared by then, reply "
                    "here and I'll follow up with the processor directly."
                ),
                "up": 7,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 6
    {
        "title": "Alexa says \"device is unresponsive\" but the bulbs work fine in the app",
        "category": "automations-and-integrations",
        "tags": ["alexa", "bulbs"],
        "author": "olivia_r",
        "age_hours": 200,
        "body": (
            "I rely on voice control a lot, so this is a real problem for me. Since last Tuesday, "
            "\"Alexa, turn on the living room\" gets *\"Living room is not responding\"*. The same bulbs "
            "turn on instantly from the Brightwave app and from Siri.\n\n"
            "Echo Dot (5th gen), Brightwave skill enabled, Hub firmware `4.2.1`."
        ),
        "votes": {"up": 6, "down": 0},
        "answers": [
            {
                "author": "raj-patel",
                "after_hours": 1.0,
                "body": (
                    "That sounds like the Alexa skill's login token has expired. The app keeps working "
                    "because it uses its own session. The fix that has worked for me every time:\n\n"
                    "1. In the Alexa app, go to *More → Skills & Games → Your Skills → Brightwave* and tap "
                    "**Disable skill**.\n"
                    "2. Enable it again and sign in with your Brightwave account.\n"
                    "3. Say *\"Alexa, discover devices\"*.\n\n"
                    "Your groups and routines in Alexa should survive this as long as the device names "
                    "haven't changed. If a group comes back empty, re-add the bulbs to it."
                ),
                "up": 9,
                "down": 0,
                "accepted": True,
            },
        ],
    },
    # 7
    {
        "title": "Does the Hub have a local API? I'd like Home Assistant without the cloud",
        "category": "automations-and-integrations",
        "tags": ["home-assistant", "hub", "api"],
        "author": "chen.wei",
        "age_hours": 900,
        "body": (
            "I'm fine with the cloud for remote access, but I'd like my automations to keep running when "
            "the internet is down. Is there any local API on the Hub, even an undocumented one? A port "
            "scan shows `443` and `8883` open on the Hub's LAN address."
        ),
        "votes": {"up": 12, "down": 0},
        "answers": [
            {
                "author": "raj-patel",
                "after_hours": 3.0,
                "body": (
                    "Yes, since firmware 4.1 there's a **Local API** toggle under *Settings → Hub → "
                    "Advanced*. Turning it on gives you an API key, and the Hub then serves a small REST "
                    "API plus MQTT on `8883` (TLS).\n\n"
                    "The community Home Assistant integration uses it. My `configuration.yaml`:\n\n"
                    "```yaml\n"
                    "brightwave:\n"
                    "  host: 192.168.1.40\n"
                    "  api_key: !secret brightwave_api_key\n"
                    "  local_only: true\n"
                    "```\n\n"
                    "Bulbs and the thermostat update in well under a second. The doorbell camera still "
                    "goes through the cloud for video."
                ),
                "up": 14,
                "down": 0,
                "accepted": True,
            },
            {
                "author": "staff_sam",
                "after_hours": 26.0,
                "body": (
                    "Confirming what Raj said. The Local API is officially supported, although it's still "
                    "labelled beta. The endpoint reference is at "
                    "[example.com/developers/local-api](https://example.com/developers/local-api). "
                    "Please keep the Hub on firmware 4.2 or later; 4.1 had a bug where the API key reset "
                    "after a power cut."
                ),
                "up": 8,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 8
    {
        "title": "Doorbell camera live view takes 15+ seconds to load",
        "category": "connectivity-and-wifi",
        "tags": ["doorbell", "video", "wifi"],
        "author": "gus_m",
        "age_hours": 96,
        "body": (
            "When someone rings, the notification arrives fast, but tapping it gives me a spinner for 15 "
            "to 25 seconds before the video shows up. By then the delivery driver is gone.\n\n"
            "Rural place, satellite internet (about 50 down / 3 up). The doorbell shows signal as "
            "\"Good\" in the app. Is there anything I can tune, or is this just my connection?"
        ),
        "votes": {"up": 5, "down": 0},
        "answers": [
            {
                "author": "chen.wei",
                "after_hours": 2.5,
                "body": (
                    "With satellite, the round-trip latency (often 500 ms or more) is the killer more than the "
                    "bandwidth. Live view needs several round trips to set up the stream before the first "
                    "frame arrives. Things that help a little:\n\n"
                    "- Set *Video quality* to **Standard** instead of HD. Your 3 Mbps upload is tight for HD.\n"
                    "- Turn on **Pre-roll** so the recorded clip includes the few seconds before the ring.\n"
                    "- Use the chime's quick reply messages instead of live talk when you're away.\n\n"
                    "It won't get down to 2 seconds like on fibre, though."
                ),
                "up": 6,
                "down": 0,
                "accepted": False,
            },
            {
                "author": "jordan_lee",
                "after_hours": 30.0,
                "body": (
                    "If you have Plus, the *Snapshot on ring* option sends a still image with the "
                    "notification itself, so at least you see who it was even when live view is slow."
                ),
                "up": 3,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 9
    {
        "title": "Which Brightwave bulbs are safe in an enclosed fixture?",
        "category": "setup-and-installation",
        "tags": ["bulbs", "hardware"],
        "author": "hannah-b",
        "age_hours": 1300,
        "body": (
            "I want to put smart bulbs in the enclosed glass ceiling fixtures at one of my rentals. "
            "The box for the A19 Color says *not for use in totally enclosed luminaires*. Does that "
            "apply to all Brightwave bulbs? What happens if you use them anyway?"
        ),
        "votes": {"up": 4, "down": 0},
        "answers": [
            {
                "author": "sparky_dave",
                "after_hours": 8.0,
                "body": (
                    "Take that label seriously. LED electronics hate heat, and an enclosed fixture can get "
                    "20-30 °C hotter than open air. You won't get a fire from an LED, but you will get "
                    "flicker, colour shift and a bulb that dies in months instead of years.\n\n"
                    "The **Brightwave White BR30** and the **A19 White (2nd gen)** are both rated for "
                    "enclosed fixtures; it says so on the box and on the "
                    "[spec sheet](https://example.com/products/bulbs/specs). The Color models are not.\n\n"
                    "For a rental I'd use the White ones in the enclosed fixtures and keep the Color bulbs for "
                    "lamps."
                ),
                "up": 7,
                "down": 0,
                "accepted": True,
            },
        ],
    },
    # 10
    {
        "title": "App 6.9.0 crashes on launch on iPhone 12 (iOS 17.5)",
        "category": "app-and-account",
        "tags": ["ios", "app", "bug"],
        "author": "kellyb",
        "age_hours": 30,
        "body": (
            "Since the update last night the app opens, shows the Brightwave logo for a second, and closes. "
            "Every time. I've restarted the phone and reinstalled. Reinstalling didn't help, and now I "
            "can't even log in because it crashes before the login screen.\n\n"
            "iPhone 12, iOS 17.5, app 6.9.0. My doorbell is basically useless right now, which is really "
            "frustrating with the kids coming home from school on their own."
        ),
        "votes": {"up": 11, "down": 0},
        "answers": [
            {
                "author": "olivia_r",
                "after_hours": 0.5,
                "body": (
                    "Same here on iOS 17.5. A temporary workaround: the doorbell notifications still come "
                    "through, and you can answer from the **Brightwave widget** on the lock screen, which "
                    "doesn't crash. Not great, but it covers the school-run problem."
                ),
                "up": 6,
                "down": 0,
                "accepted": False,
            },
            {
                "author": "staff_sam",
                "after_hours": 3.0,
                "body": (
                    "Thanks everyone for the reports, and sorry for the disruption. We've confirmed a crash "
                    "in 6.9.0 on iOS 17.5 and earlier when the app restores a saved home layout. Version "
                    "**6.9.1** with the fix is live on the App Store now.\n\n"
                    "1. Open the App Store → your profile → pull down to refresh.\n"
                    "2. Update Brightwave to `6.9.1`.\n"
                    "3. Open the app; your homes and devices are unchanged.\n\n"
                    "If it still crashes on 6.9.1, please reply with your iOS version and I'll escalate it."
                ),
                "up": 13,
                "down": 0,
                "accepted": True,
            },
            {
                "author": "mike_t",
                "after_hours": 4.0,
                "body": "6.9.1 fixed it for me too. Maybe test on older iOS versions before release next time...",
                "up": 2,
                "down": 1,
                "accepted": False,
            },
        ],
    },
    # 11
    {
        "title": "What exactly do I lose if I cancel Brightwave Plus?",
        "category": "billing-and-plans",
        "tags": ["subscription", "billing", "doorbell"],
        "author": "gus_m",
        "age_hours": 400,
        "body": (
            "Money is tight this year and I'm trying to cut subscriptions. I have the Hub, six bulbs, the "
            "thermostat and the doorbell. The pricing page is pretty vague about what keeps working on "
            "the free tier. Will my automations stop?"
        ),
        "votes": {"up": 8, "down": 0},
        "answers": [
            {
                "author": "jordan_lee",
                "after_hours": 1.7,
                "body": (
                    "Your automations keep working. Plus is mostly about the camera. I tried both for a "
                    "while, and this is what I saw:\n\n"
                    "| Feature | Free | Plus |\n"
                    "| --- | --- | --- |\n"
                    "| Control bulbs, thermostat, Hub | yes | yes |\n"
                    "| Schedules, scenes, automations | yes | yes |\n"
                    "| Alexa / Google / HomeKit | yes | yes |\n"
                    "| Doorbell live view and ring alerts | yes | yes |\n"
                    "| Doorbell clip history | none (SD card only) | 30 days in the cloud |\n"
                    "| Person / package detection | no | yes |\n"
                    "| Energy reports | last 7 days | 12 months |\n\n"
                    "If you put a microSD card in the doorbell, you keep local recordings for free. "
                    "The official comparison is [here](https://example.com/plus/compare)."
                ),
                "up": 15,
                "down": 0,
                "accepted": True,
            },
        ],
    },
    # 12
    {
        "title": "Sunset automation fires an hour early since the clocks changed",
        "category": "automations-and-integrations",
        "tags": ["automations", "schedules", "hub"],
        "author": "tom.h",
        "age_hours": 1000,
        "body": (
            "My porch light automation is set to **Sunset + 10 min**. Since daylight saving time ended "
            "it triggers at 16:02 instead of 17:02. The clock on the thermostat is correct, and the app "
            "shows the right local time.\n\n"
            "Fixed-time schedules (e.g. 06:30 heating) are fine. Only the sun-based ones are off."
        ),
        "votes": {"up": 6, "down": 0},
        "answers": [
            {
                "author": "raj-patel",
                "after_hours": 5.0,
                "body": (
                    "Sun-based triggers are calculated on the Hub from the **home location**, not from "
                    "your phone. If the home was created before an app update that added timezones, the "
                    "Hub may be stuck on a fixed UTC offset.\n\n"
                    "Go to *Settings → Home → Location*, tap the address, and save it again (even "
                    "unchanged). Then check *Settings → Hub → Advanced → Time zone*; it should say "
                    "something like `America/Chicago`, not `UTC-06:00`."
                ),
                "up": 9,
                "down": 0,
                "accepted": True,
            },
            {
                "author": "nina.k",
                "after_hours": 200.0,
                "body": "This helped me too, thank you! Mine said UTC+01:00 and now it says Europe/Berlin.",
                "up": 1,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 13
    {
        "title": "Bulbs in the detached garage keep going \"unreachable\". Range issue?",
        "category": "connectivity-and-wifi",
        "tags": ["bulbs", "zigbee", "range"],
        "author": "mike_t",
        "age_hours": 150,
        "body": (
            "Two A19 White bulbs in my detached garage, roughly 12 m from the Hub, through two walls. "
            "They pair fine when I'm standing out there, but within a day or two they show "
            "**Unreachable** in the app and I have to flip the wall switch to get them back.\n\n"
            "Everything inside the house is rock solid. Is the garage just too far?"
        ),
        "votes": {"up": 3, "down": 0},
        "answers": [
            {
                "author": "sparky_dave",
                "after_hours": 1.2,
                "body": (
                    "Probably yes. 12 m through two exterior walls is a lot for Zigbee, and if the garage has "
                    "a metal door or steel siding, that's basically a shield.\n\n"
                    "Bulbs don't relay for each other, so they don't extend the mesh. Mains-powered devices "
                    "do: put a **Brightwave Smart Plug** in an outlet on the garage-facing side of the house "
                    "(or in the garage itself). The plug repeats the signal and the bulbs route through it.\n\n"
                    "Also: don't let anyone use the wall switch to turn them off. A bulb with no power drops "
                    "off the mesh and has to find its way back."
                ),
                "up": 7,
                "down": 0,
                "accepted": True,
            },
            {
                "author": "chen.wei",
                "after_hours": 9.0,
                "body": (
                    "Worth also checking for Wi-Fi overlap. Zigbee channels overlap with 2.4 GHz Wi-Fi "
                    "channels, and the Hub shows which one it uses under *Settings → Hub → Radio*:\n\n"
                    "```text\n"
                    "Zigbee 11-14  overlaps  Wi-Fi 1\n"
                    "Zigbee 15-19  overlaps  Wi-Fi 6\n"
                    "Zigbee 20-24  overlaps  Wi-Fi 11\n"
                    "Zigbee 25-26  mostly clear\n"
                    "```\n\n"
                    "If your router is on Wi-Fi channel 6 and the Hub on Zigbee 15, move one of them."
                ),
                "up": 5,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 14
    {
        "title": "Can't log in after changing my email: \"Account not found\"",
        "category": "app-and-account",
        "tags": ["account", "login"],
        "author": "hannah-b",
        "age_hours": 20,
        "body": (
            "I changed my account email from my old work address to my personal one yesterday. I clicked "
            "the confirmation link, got the \"Email updated\" page, and now logging in with the new "
            "address says **Account not found**. The old address says the same.\n\n"
            "Guests arrive at one of my rentals tomorrow and I need to set the thermostat. Help!"
        ),
        "votes": {"up": 2, "down": 0},
        "answers": [
            {
                "author": "staff_priya",
                "after_hours": 1.4,
                "body": (
                    "Hi Hannah, I can see what happened: the change went through on our side, but the "
                    "login service cached your old address. I've cleared that cache for your account, so "
                    "please try logging in with the **new** address now.\n\n"
                    "If you get a \"password incorrect\" message, use *Forgot password* with the new address. "
                    "Your devices and automations keep running the whole time, so the thermostat schedule "
                    "for tomorrow is still in place even while you're logged out."
                ),
                "up": 4,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 15
    {
        "title": "Mounting the doorbell on stucco: what anchors did you use?",
        "category": "setup-and-installation",
        "tags": ["doorbell", "installation"],
        "author": "tom.h",
        "age_hours": 500,
        "body": (
            "The doorbell came with plastic anchors that look meant for drywall or brick. My house has "
            "stucco over wire lath. The old doorbell button was just glued on, apparently. Before I "
            "start drilling: what did you use, and did you need a masonry bit?"
        ),
        "votes": {"up": 3, "down": 0},
        "answers": [
            {
                "author": "sparky_dave",
                "after_hours": 12.0,
                "body": (
                    "I've done about a dozen on stucco. What works:\n\n"
                    "- A **masonry bit** for the stucco layer, hammer mode *off*; the wire lath behind it "
                    "cracks the stucco if you hammer.\n"
                    "- The included anchors are fine if you hit the wood sheathing behind the lath. If the "
                    "bit goes through into air, use 1/4\" plastic expansion anchors instead.\n"
                    "- Run a thin bead of exterior silicone around the top and sides of the mounting plate "
                    "(not the bottom, so water can drain).\n\n"
                    "Use the wedge mount if the plate sits on an uneven surface; stucco is rarely flat."
                ),
                "up": 5,
                "down": 0,
                "accepted": False,
            },
            {
                "author": "gus_m",
                "after_hours": 40.0,
                "body": "I used the included anchors with a masonry bit and it's been solid for a year, no issues.",
                "up": 1,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 16
    {
        "title": "Turn on porch lights when the doorbell sees motion, but only after dark?",
        "category": "automations-and-integrations",
        "tags": ["automations", "doorbell", "bulbs"],
        "author": "nina.k",
        "age_hours": 72,
        "body": (
            "I set up an automation \"When doorbell detects motion → turn on Porch light\", which works, "
            "but it also runs in the middle of the day, which is kind of pointless. I don't see a way to "
            "add \"only at night\". Is that possible?"
        ),
        "votes": {"up": 4, "down": 0},
        "answers": [
            {
                "author": "jordan_lee",
                "after_hours": 0.6,
                "body": (
                    "Yes! It's a bit hidden. Open the automation and scroll below the trigger:\n\n"
                    "1. Tap **Add condition** → *Time of day*.\n"
                    "2. Choose **Between sunset and sunrise**.\n"
                    "3. Under the action, tap **Turn off after** and pick 5 minutes, so the light doesn't "
                    "stay on all night.\n\n"
                    "Conditions are only shown once the automation has at least one trigger and one "
                    "action, which is why you didn't see it when creating it."
                ),
                "up": 6,
                "down": 0,
                "accepted": True,
            },
            {
                "author": "hannah-b",
                "after_hours": 7.0,
                "body": (
                    "Tip: I also add the condition *Home mode is not Away* at my own house, because "
                    "otherwise the light flashing on at 3am when a cat walks by wakes me up through the "
                    "window."
                ),
                "up": 2,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 17
    {
        "title": "Hub won't join my new Eero mesh after swapping routers",
        "category": "connectivity-and-wifi",
        "tags": ["hub", "wifi", "mesh"],
        "author": "lena_w",
        "age_hours": 260,
        "body": (
            "I replaced my ISP router with an Eero 6 mesh (three nodes). Everything else reconnected after "
            "I reused the old network name and password, but the Hub blinks amber and won't join. I ran "
            "*Change Wi-Fi network* in the app and it fails at step 3 with `Error BW-213`.\n\n"
            "I can't run an Ethernet cable where the Hub is (landlord rules)."
        ),
        "votes": {"up": 5, "down": 0},
        "answers": [
            {
                "author": "chen.wei",
                "after_hours": 4.0,
                "body": (
                    "`BW-213` is \"can't associate with access point\". With Eero it's usually one of two "
                    "settings:\n\n"
                    "1. **WPA3**: Eero can enable WPA3 transition mode, and some 2.4 GHz clients choke on "
                    "it. In the Eero app: *Settings → Network settings → WPA3* → off.\n"
                    "2. **Band steering**: Eero uses one name for both bands. The Hub only speaks "
                    "2.4 GHz, so it should still work, but during setup it helps to pause the 5 GHz band. "
                    "Eero has *Troubleshooting → My device won't connect → Pause 5 GHz* for 10 minutes.\n\n"
                    "Do the setup during those 10 minutes; afterwards the Hub stays connected on 2.4 GHz."
                ),
                "up": 10,
                "down": 0,
                "accepted": True,
            },
        ],
    },
    # 18
    {
        "title": "Is there a dark mode in the Android app?",
        "category": "app-and-account",
        "tags": ["android", "app"],
        "author": "gus_m",
        "age_hours": 1100,
        "body": (
            "The app is painfully bright when I check the barn camera at night. I looked through "
            "Settings and couldn't find a theme option. Did I miss it? Galaxy A54, app 6.7.3."
        ),
        "votes": {"up": 2, "down": 0},
        "answers": [
            {
                "author": "olivia_r",
                "after_hours": 9.0,
                "body": (
                    "It follows your phone's system theme since 6.7. Turn on dark mode in Android "
                    "(*Settings → Display → Dark*) and the app switches too. There's no separate in-app "
                    "toggle yet."
                ),
                "up": 3,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 19
    {
        "title": "Does one Brightwave Plus subscription cover two homes (cabin + main house)?",
        "category": "billing-and-plans",
        "tags": ["subscription", "billing"],
        "author": "hannah-b",
        "age_hours": 180,
        "body": (
            "I'm adding a doorbell at our family cabin, which is set up as a second home in the app. "
            "Do I need a second Plus subscription for the cabin doorbell's clip history, or does my "
            "existing one cover every home on my account?"
        ),
        "votes": {"up": 3, "down": 0},
        "answers": [
            {
                "author": "kellyb",
                "after_hours": 10.0,
                "body": "I'm fairly sure it's per home, but I only have one house so I can't say for certain.",
                "up": 0,
                "down": 0,
                "accepted": False,
            },
            {
                "author": "jordan_lee",
                "after_hours": 14.0,
                "body": (
                    "It's per home. When I added my parents' place the app asked me to pick which home "
                    "the subscription applies to. The cabin would need its own, but you can move a "
                    "subscription between homes once a month under *Settings → Subscription → Home*."
                ),
                "up": 4,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 20
    {
        "title": "New thermostat reads 3 degrees warmer than my old one",
        "category": "setup-and-installation",
        "tags": ["thermostat", "calibration"],
        "author": "mike_t",
        "age_hours": 600,
        "body": (
            "Old thermostat and a separate digital thermometer both say 68 °F in the hallway. The Brightwave "
            "Thermostat in the exact same spot says 71 °F, so the heat barely runs and the house is cold. "
            "Is my unit defective, or is there a calibration setting?"
        ),
        "votes": {"up": 5, "down": 0},
        "answers": [
            {
                "author": "sparky_dave",
                "after_hours": 3.0,
                "body": (
                    "Before you adjust anything: check the hole in the wall behind it. Warm air from inside "
                    "the wall cavity (or the attic) often rises through the cable hole and heats the "
                    "sensor. Stuff a bit of insulation or a dab of putty in the hole around the cable and "
                    "give it an hour."
                ),
                "up": 6,
                "down": 0,
                "accepted": False,
            },
            {
                "author": "jordan_lee",
                "after_hours": 4.5,
                "body": (
                    "If sealing the hole doesn't fully fix it, there's a calibration offset under "
                    "*Thermostat → Settings → Advanced → Temperature offset*, adjustable in 0.5° steps "
                    "up to ±5°. Mine needed `-1.0` even after sealing."
                ),
                "up": 5,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 21
    {
        "title": "HomeKit: thermostat shows up in the Home app but the bulbs don't",
        "category": "automations-and-integrations",
        "tags": ["homekit", "ios", "bulbs"],
        "author": "olivia_r",
        "age_hours": 45,
        "body": (
            "I added the Brightwave Hub to Apple Home with the setup code. The thermostat appeared right "
            "away, but none of my eight bulbs are there. I'd really like to use Siri for the lights, since "
            "it works much better with VoiceOver than the Brightwave app does.\n\n"
            "Hub firmware `4.2.1`, iOS 17.5."
        ),
        "votes": {"up": 6, "down": 0},
        "answers": [
            {
                "author": "raj-patel",
                "after_hours": 2.2,
                "body": (
                    "Bulbs over the HomeKit bridge need **Hub firmware 4.3.0** or later. On 4.2.x only "
                    "Wi-Fi devices (thermostat, doorbell) are bridged.\n\n"
                    "1. Update the Hub: *Settings → Hub → Firmware → Check for update*.\n"
                    "2. After the update, go to *Settings → Integrations → Apple Home* and turn on "
                    "**Expose bulbs**.\n"
                    "3. The bulbs show up in the Home app within a minute, in a room called *Default Room*; "
                    "move them to the right rooms there.\n\n"
                    "Siri then understands \"turn on the kitchen lights\" as long as the room names match."
                ),
                "up": 8,
                "down": 0,
                "accepted": True,
            },
        ],
    },
    # 22
    {
        "title": "Firmware update stuck at 62% for over an hour. Safe to unplug the Hub?",
        "category": "connectivity-and-wifi",
        "tags": ["firmware", "hub"],
        "author": "kellyb",
        "age_hours": 10,
        "body": (
            "Started the 4.3.0 update at 8pm and the app has been at **Installing... 62%** since then. "
            "The Hub light is slowly pulsing white. I'm scared to unplug it and brick the thing. How long "
            "should this take?"
        ),
        "votes": {"up": 2, "down": 0},
        "answers": [
            {
                "author": "jordan_lee",
                "after_hours": 0.3,
                "body": (
                    "Don't unplug it yet! The 4.3.0 update also updates the Zigbee radio, which is the slow "
                    "part, and the app's percentage isn't updated during that step. Mine sat at 62% for "
                    "about 70 minutes with 30 bulbs.\n\n"
                    "As long as the light is **pulsing white**, it's working. If it turns **solid red** or "
                    "is still pulsing after 3 hours, then it's safe to unplug: the Hub keeps the old "
                    "firmware until the new one is verified, so it just boots back into 4.2.1."
                ),
                "up": 4,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 23
    {
        "title": "Energy report shows zero usage for the last week",
        "category": "app-and-account",
        "tags": ["thermostat", "app", "energy"],
        "author": "tom.h",
        "age_hours": 40,
        "body": (
            "The Energy tab has shown `0 h heating, 0 h cooling` every day since the 12th. The furnace has "
            "definitely been running (it's been near freezing). Thermostat firmware `2.8.4`, app 6.9.1 "
            "on iPad. Before the 12th the data looks normal."
        ),
        "votes": {"up": 1, "down": 0},
        "answers": [
            {
                "author": "raj-patel",
                "after_hours": 18.0,
                "body": (
                    "Not sure this is it, but did the thermostat reboot around the 12th, e.g. a power cut? "
                    "Mine once lost its link to the energy service after an outage and only recovered after "
                    "I toggled *Energy reports* off and on again in the thermostat settings."
                ),
                "up": 1,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 24
    {
        "title": "Google Home routines can't see my Brightwave scenes",
        "category": "automations-and-integrations",
        "tags": ["google-home", "scenes"],
        "author": "lena_w",
        "age_hours": 800,
        "body": (
            "In the Brightwave app I have scenes like \"Movie night\" and \"Wind down\". I want Google Home "
            "to run \"Wind down\" as part of my bedtime routine, but in the routine editor the scenes "
            "don't appear anywhere, only individual lights."
        ),
        "votes": {"up": 3, "down": 0},
        "answers": [
            {
                "author": "hannah-b",
                "after_hours": 6.0,
                "body": (
                    "Scenes aren't shared with Google by default. In the Brightwave app go to "
                    "*Settings → Integrations → Google Home → Shared scenes* and tick the ones you want. "
                    "Then say \"Hey Google, sync my devices\". They show up in routines under "
                    "**Adjust Home devices → Scenes**."
                ),
                "up": 5,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 25
    {
        "title": "Is there a student or annual discount for Brightwave Plus?",
        "category": "billing-and-plans",
        "tags": ["subscription", "billing"],
        "author": "nina.k",
        "age_hours": 300,
        "body": (
            "Still figuring out if I need Plus at all, but $9.99 a month adds up. Is there any kind of "
            "discount, like paying yearly? I'm a grad student if that matters."
        ),
        "votes": {"up": 1, "down": 0},
        "answers": [
            {
                "author": "gus_m",
                "after_hours": 22.0,
                "body": (
                    "No student discount that I know of, but the annual plan is $99, which is basically two "
                    "months free. You can switch under *Settings → Subscription → Change plan*. Also look out "
                    "for the Black Friday deal: last year it was 40% off the first year."
                ),
                "up": 3,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 26
    {
        "title": "Reset button on the Hub doesn't seem to do anything",
        "category": "setup-and-installation",
        "tags": ["hub", "reset"],
        "author": "mike_t",
        "age_hours": 1250,
        "body": (
            "Trying to factory-reset my Hub to give it to my brother. I press the reset button on the "
            "back with a paperclip, the light flickers once, and then nothing. It's still in my app with "
            "all my bulbs. What am I doing wrong?"
        ),
        "votes": {"up": 2, "down": 0},
        "answers": [
            {
                "author": "jordan_lee",
                "after_hours": 1.0,
                "body": (
                    "A short press just reboots it. For a factory reset:\n\n"
                    "1. Hold the button for **15 seconds**, until the light turns solid amber.\n"
                    "2. Release, then press once more within 5 seconds to confirm.\n"
                    "3. The light cycles through colours, then pulses blue: that's setup mode.\n\n"
                    "Also remove it in the app first (*Settings → Hub → Remove Hub*), otherwise your brother "
                    "will get a \"Hub is registered to another account\" error."
                ),
                "up": 5,
                "down": 0,
                "accepted": True,
            },
            {
                "author": "tom.h",
                "after_hours": 15.0,
                "body": "Jordan's steps worked for me. The second press is the part nobody mentions in the manual.",
                "up": 1,
                "down": 0,
                "accepted": False,
            },
        ],
    },
    # 27 (no answers, fresh)
    {
        "title": "Android home screen widget stopped updating after app 6.9.1",
        "category": "app-and-account",
        "tags": ["android", "widgets"],
        "author": "raj-patel",
        "age_hours": 2,
        "body": (
            "The 2x2 thermostat widget shows a temperature from this morning and tapping the +/- buttons "
            "does nothing. Removing and re-adding the widget fixes it for maybe an hour. Battery "
            "optimization is already off for the app. Pixel 8, Android 14. Anyone else?"
        ),
        "votes": {"up": 1, "down": 0},
        "answers": [],
    },
    # 28 (no answers, fresh)
    {
        "title": "Hub ignores the DHCP reservation on my UniFi network",
        "category": "connectivity-and-wifi",
        "tags": ["hub", "network", "dhcp"],
        "author": "chen.wei",
        "age_hours": 1,
        "body": (
            "I set a fixed IP for the Hub's MAC in UniFi, but after each reboot the Hub shows up with a "
            "different address from the pool. The client list shows the Hub with a MAC that doesn't "
            "match the label on the bottom:\n\n"
            "```text\n"
            "label:   7C:2F:80:1A:44:9E\n"
            "UniFi:   7E:2F:80:1A:44:9E\n"
            "```\n\n"
            "Is the Hub using a randomized MAC? Can that be turned off?"
        ),
        "votes": {"up": 0, "down": 0},
        "answers": [],
    },
    # 29 (no answers, older)
    {
        "title": "IFTTT applet for the thermostat stopped triggering",
        "category": "automations-and-integrations",
        "tags": ["ifttt", "thermostat"],
        "author": "jordan_lee",
        "age_hours": 110,
        "body": (
            "I have an IFTTT applet \"If the weather forecast says rain, set thermostat to 70\". It ran "
            "fine for months, but since last Thursday IFTTT logs `Action failed: service unavailable` "
            "every time. Reconnecting the Brightwave service on IFTTT didn't help. Did something change "
            "on the Brightwave side?"
        ),
        "votes": {"up": 3, "down": 0},
        "answers": [],
    },
    # 30 (no answers, older)
    {
        "title": "Indoor chime buzzes constantly after installing the doorbell",
        "category": "setup-and-installation",
        "tags": ["doorbell", "chime", "wiring"],
        "author": "hannah-b",
        "age_hours": 75,
        "body": (
            "Installed the Doorbell Cam at my second rental, wired to the existing doorbell wires. The old "
            "mechanical chime inside now makes a faint constant buzz, and sometimes dings on its own. "
            "The camera itself works. In the app, *Chime type* is set to **Mechanical**. Transformer is "
            "16 V according to the label. Did I miss a step?"
        ),
        "votes": {"up": 2, "down": 0},
        "answers": [],
    },
    # 31 (no answers, fresh)
    {
        "title": "Invoice is missing my VAT number. Can I add it retroactively?",
        "category": "billing-and-plans",
        "tags": ["billing", "invoices"],
        "author": "tom.h",
        "age_hours": 4,
        "body": (
            "I use Brightwave Plus for my small consultancy office and only just noticed the invoices have "
            "no VAT number on them, so my accountant can't use them. I've added the number under "
            "*Billing details* now. Will past invoices be regenerated, or is there a way to request that?"
        ),
        "votes": {"up": 0, "down": 0},
        "answers": [],
    },
    # 32 (no answers, old)
    {
        "title": "Geofencing switches to Away mode while I'm still at home",
        "category": "app-and-account",
        "tags": ["geofencing", "ios", "thermostat"],
        "author": "kellyb",
        "age_hours": 1400,
        "body": (
            "A few times a week the house goes into **Away** mode while I'm sitting in the living room, "
            "which turns the heat down and arms the doorbell alerts. Location for the app is set to "
            "*Always* and precise location is on. The geofence radius is 150 m. Could it be that our "
            "house is near a cell tower?"
        ),
        "votes": {"up": 4, "down": 0},
        "answers": [],
    },
]

IDEAS: list[dict] = [
    {
        "title": "Temporary guest access codes that expire automatically",
        "category": "app-and-account",
        "author": "hannah-b",
        "age_days": 110,
        "body": (
            "For vacation rentals it would be great to invite a guest with **start and end dates**, so "
            "they can control lights and the thermostat during their stay and lose access automatically "
            "at checkout. Right now I have to remember to remove every guest by hand."
        ),
        "voters": 11,
        "status": "planned",
        "status_note": (
            "This is planned for Home Sharing v2 later this year. Thanks for all the detail on the "
            "rental use case; it shaped the design."
        ),
        "comments": [
            {
                "author": "jordan_lee",
                "body": "Would love this for dog sitters too. Even a simple \"expires in N days\" would do.",
                "official": False,
            },
            {
                "author": "staff_priya",
                "body": (
                    "We're planning time-limited invites with an optional daily time window (e.g. cleaners "
                    "only 10:00 to 14:00). We'll post here when it's in beta."
                ),
                "official": True,
            },
        ],
    },
    {
        "title": "Keep schedules and scenes running locally when the internet is down",
        "category": "automations-and-integrations",
        "author": "raj-patel",
        "age_days": 95,
        "body": (
            "When my ISP has an outage, schedules still run but scenes and automations that involve "
            "the doorbell or thermostat stop. The Hub has all the information it needs, so please run "
            "automations **on the Hub** and only use the cloud for remote access."
        ),
        "voters": 10,
        "status": "in_progress",
        "status_note": (
            "Our Hub team is building local execution for scenes and automations. Early builds are in "
            "the 4.4 beta; sign up at https://example.com/beta if you want to try it."
        ),
        "comments": [
            {
                "author": "gus_m",
                "body": "This would be huge for those of us on satellite. Our internet drops every time it snows.",
                "official": False,
            },
            {
                "author": "staff_sam",
                "body": (
                    "Quick update: in 4.4 beta 2, time-based and device-triggered automations run fully "
                    "locally. Geofencing still needs the cloud, because your phone's location is reported "
                    "through it."
                ),
                "official": True,
            },
        ],
    },
    {
        "title": "Show doorbell battery percentage on the home screen",
        "category": "app-and-account",
        "author": "kellyb",
        "age_days": 120,
        "body": (
            "I only find out the doorbell battery is low when it stops working. Please show the battery "
            "level on the doorbell tile, and send a notification at 20%."
        ),
        "voters": 8,
        "status": "shipped",
        "status_note": (
            "Shipped in app 6.8.0! The doorbell tile shows the battery level, and you get a low battery "
            "alert at 20% (adjustable under Doorbell → Notifications)."
        ),
        "comments": [
            {
                "author": "kellyb",
                "body": "Just got my first 20% alert. Thank you!",
                "official": False,
            },
        ],
    },
    {
        "title": "Export thermostat history to CSV",
        "category": "automations-and-integrations",
        "author": "tom.h",
        "age_days": 80,
        "body": (
            "I'd like to analyse heating hours against outdoor temperature in a spreadsheet. A simple "
            "CSV export with timestamp, setpoint, indoor temperature and heating/cooling state per "
            "15-minute interval would be plenty."
        ),
        "voters": 6,
        "status": "shipped",
        "status_note": (
            "Shipped in app 6.9.0: Thermostat → Energy → Export gives you one CSV per month, at "
            "15-minute resolution."
        ),
        "comments": [
            {
                "author": "raj-patel",
                "body": "The export includes outdoor temperature too. Nice touch.",
                "official": False,
            },
        ],
    },
    {
        "title": "Matter support for Brightwave bulbs and the Hub",
        "category": "automations-and-integrations",
        "author": "chen.wei",
        "age_days": 70,
        "body": (
            "With Matter, I could control the bulbs from any ecosystem without separate skills and "
            "integrations for each one. Even exposing the existing Zigbee bulbs through the Hub as a "
            "**Matter bridge** would solve most of it."
        ),
        "voters": 11,
        "status": "under_review",
        "status_note": (
            "We're evaluating a Matter bridge on the Hub for existing bulbs, and Matter support for the "
            "next bulb generation. No dates yet, but your votes are helping us make the case."
        ),
        "comments": [
            {
                "author": "olivia_r",
                "body": "Yes please. It would also mean I don't depend on the HomeKit bridge settings.",
                "official": False,
            },
        ],
    },
    {
        "title": "Let me pause Brightwave Plus for a few months instead of cancelling",
        "category": "billing-and-plans",
        "author": "lena_w",
        "age_days": 40,
        "body": (
            "I travel for work every summer and the apartment is empty for three months. I don't need "
            "clip history then, but if I cancel I lose my saved clips and the person detection training. "
            "A **pause** option for 1 to 3 months would be ideal."
        ),
        "voters": 7,
        "status": "under_review",
        "status_note": (
            "Good suggestion. Our billing team is looking at how pausing would work with annual plans "
            "and app store subscriptions."
        ),
        "comments": [],
    },
    {
        "title": "Larger text support and better VoiceOver labels in the app",
        "category": "app-and-account",
        "author": "olivia_r",
        "age_days": 60,
        "body": (
            "The app ignores iOS Dynamic Type, so text stays tiny even with the largest text setting. "
            "Many buttons are read by VoiceOver as just \"button\", for example the brightness +/- "
            "controls on bulb tiles. Please do an accessibility pass."
        ),
        "voters": 9,
        "status": "in_progress",
        "status_note": (
            "Accessibility work is underway. Dynamic Type support ships first, then proper VoiceOver "
            "labels for every device tile. Thank you for the detailed examples."
        ),
        "comments": [
            {
                "author": "tom.h",
                "body": "Larger text would help a lot of us older folks as well.",
                "official": False,
            },
            {
                "author": "staff_sam",
                "body": (
                    "Olivia, our designer would love to do a 30-minute call to walk through your daily "
                    "flows. We'll reach out by email if that's OK."
                ),
                "official": True,
            },
        ],
    },
    {
        "title": "Remote room sensors for the thermostat",
        "category": "setup-and-installation",
        "author": "mike_t",
        "age_days": 50,
        "body": (
            "The thermostat is in the hallway, which is always the warmest spot. I'd like small battery "
            "sensors for the bedrooms, so I can heat based on the average temperature or on one room "
            "at night."
        ),
        "voters": 8,
        "status": "planned",
        "status_note": (
            "Remote sensors are planned alongside the next major thermostat firmware. They'll connect "
            "through the Hub over Zigbee."
        ),
        "comments": [
            {
                "author": "sparky_dave",
                "body": "Please make them work with a CR2032, not some odd battery nobody stocks.",
                "official": False,
            },
        ],
    },
    {
        "title": "Keep 24 hours of doorbell clips on the free tier",
        "category": "billing-and-plans",
        "author": "gus_m",
        "age_days": 100,
        "body": (
            "Without Plus there's no clip history at all. Even one day of clips would let free users "
            "check who came by while they were out. Competitors offer something like this."
        ),
        "voters": 5,
        "status": "declined",
        "status_note": (
            "Thanks for raising this. Cloud video storage is a real ongoing cost, so clip history stays "
            "part of Plus. As a free alternative, doorbell firmware 3.2 added local recording to a "
            "microSD card."
        ),
        "comments": [
            {
                "author": "mike_t",
                "body": "Fair enough, the SD card option is a decent compromise.",
                "official": False,
            },
        ],
    },
    {
        "title": "Vacation mode that turns lights on and off at random",
        "category": "automations-and-integrations",
        "author": "nina.k",
        "age_days": 5,
        "body": (
            "When we're away, I'd like a single switch that turns lights on and off in a realistic, "
            "slightly random pattern in the evenings, so the house looks lived in. Setting up a dozen "
            "schedules by hand is a lot of work."
        ),
        "voters": 3,
        "status": "new",
        "status_note": None,
        "comments": [
            {
                "author": "jordan_lee",
                "body": "Until then, a scene with a random delay of 0 to 30 minutes gets you part of the way.",
                "official": False,
            },
        ],
    },
    {
        "title": "Show Zigbee signal strength for each device",
        "category": "connectivity-and-wifi",
        "author": "jordan_lee",
        "age_days": 12,
        "body": (
            "When a bulb goes unreachable I have no idea whether it's range or something else. A signal "
            "strength reading (LQI/RSSI) and the route each device uses would make troubleshooting "
            "much easier."
        ),
        "voters": 4,
        "status": "new",
        "status_note": None,
        "comments": [],
    },
    {
        "title": "Wiring helper with photos during thermostat setup",
        "category": "setup-and-installation",
        "author": "sparky_dave",
        "age_days": 3,
        "body": (
            "Half the thermostat questions I answer are about wiring. Let the app ask you to photograph "
            "your old thermostat's terminals and show a diagram of where each wire goes, with a warning "
            "when there's no `C` wire."
        ),
        "voters": 2,
        "status": "new",
        "status_note": None,
        "comments": [],
    },
    {
        "title": "Alert me when a device has been unreachable for over an hour",
        "category": "connectivity-and-wifi",
        "author": "mike_t",
        "age_days": 1,
        "body": (
            "I usually discover a bulb dropped off only when an automation fails. A notification after "
            "a configurable time offline would let me fix it before it matters."
        ),
        "voters": 1,
        "status": "new",
        "status_note": None,
        "comments": [],
    },
    {
        "title": "Apple Watch app to see who's at the door",
        "category": "app-and-account",
        "author": "kellyb",
        "age_days": 2,
        "body": (
            "When my hands are full (which is always), a snapshot on the watch when the doorbell rings, "
            "plus a quick reply button, would be ideal."
        ),
        "voters": 0,
        "status": "new",
        "status_note": None,
        "comments": [],
    },
]
