from mailcheck.cli import main

raise SystemExit(main())
