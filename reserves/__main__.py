from reserves.cli import main

raise SystemExit(main())
