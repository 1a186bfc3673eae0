#include "textflag.h"

// func Clear()
TEXT ·Clear(SB), NOSPLIT, $0-0
	VZEROUPPER
	RET
